/**
 * The admin menu paths a remediation names ("Cisco Unified CM Administration > System > Security >
 * Phone Security Profile"), so the fix-first list can say where to go before it says what to do.
 * The catalog writes them as the GUIs label them, separated by " > "; the words around a path are
 * prose. A path starts at the run of capitalised words before its first " > " (the product or
 * menu name) and ends with the capitalised words after its last one (the page).
 */

const SEPARATOR = ' > ';
/** Where a path cannot continue: clause punctuation and the brackets prose puts around a path. */
const CLAUSE_END = /[,;:()"“”]|\.(\s|$)/;
/** Capitalised sentence openers that belong to the prose, not to the menu name after them. */
const OPENERS = new Set(['In', 'On', 'Open', 'Then', 'See', 'Under', 'From', 'Check', 'Use', 'Go', 'Select', 'And']);
/**
 * Words of a menu label: capitalised, an acronym or a number, possibly joined (IM&P, Expressway-C,
 * Certificate/Certificate).
 */
const CAPITALISED = /^[A-Z0-9][\w&/+'.-]*$/;
/** The lower-case words Cisco's menu labels use ("Server certificate", "Network interfaces", "Unified CM servers"). */
const LABEL_LOWER = new Set(['certificate', 'certificates', 'chain', 'interfaces', 'settings', 'accounts', 'servers']);
/** Product names the prose puts before a menu ("Expressway Maintenance > ..."): not part of the path. */
const PRODUCTS = new Set(['CUCM', 'IM&P', 'CUCM/IM&P', 'Expressway', 'Expressway-C', 'Expressway-E', 'Expressway-C/E']);

const isLabelWord = (word: string): boolean => CAPITALISED.test(word) || LABEL_LOWER.has(word);
/** A piece between two separators that is one menu level, not prose ending one path and starting another. */
const isLevel = (piece: string): boolean => !CLAUSE_END.test(piece) && piece.trim().split(/\s+/).every(isLabelWord);

function headOf(before: string): string {
  const clause = before.split(CLAUSE_END).at(-1) ?? '';
  const words = clause.trim().split(/\s+/).filter(Boolean);
  let start = words.length;
  while (start > 0 && isLabelWord(words[start - 1]!)) start--;
  // A label starts with a capital ("certificate" alone is prose), after any sentence opener or product name.
  while (start < words.length && !CAPITALISED.test(words[start]!)) start++;
  while (start < words.length - 1 && (OPENERS.has(words[start]!) || PRODUCTS.has(words[start]!))) start++;
  return words.slice(start).join(' ');
}

function tailOf(after: string): string {
  const clause = after.split(CLAUSE_END)[0] ?? '';
  const words = clause.trim().split(/\s+/).filter(Boolean);
  let end = 0;
  while (end < words.length && isLabelWord(words[end]!)) end++;
  return words.slice(0, end).join(' ');
}

/** The menu paths of a remediation text, each once, in the order the text gives them. */
export function menuPaths(remediation: string): string[] {
  const text = remediation.replace(/`/g, '').replace(/\s+/g, ' ');
  const pieces = text.split(SEPARATOR);
  const paths: string[] = [];
  let current: string[] = [];
  const close = (tail: string): void => {
    if (current.length > 0 && tail) current.push(tail);
    if (current.length >= 2) paths.push(current.join(SEPARATOR));
    current = [];
  };
  for (let index = 0; index < pieces.length - 1; index++) {
    const piece = pieces[index]!;
    if (current.length > 0 && isLevel(piece)) {
      // A whole piece between two separators is one menu level ("System", "Certificate Management").
      current.push(piece.trim());
      continue;
    }
    if (current.length > 0) close(tailOf(piece));
    const head = headOf(piece);
    if (head) current = [head];
  }
  if (current.length > 0) close(tailOf(pieces.at(-1) ?? ''));
  return distinctPaths(paths);
}

/**
 * Each path once, and none that another in the list already spells out: "A > B" when "A > B > C" is
 * there (the way to C), "B > C" when "A > B > C" is (the same page named without its product menu).
 */
export function distinctPaths(paths: readonly string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.filter(
    (path) => !unique.some((other) => other.startsWith(`${path}${SEPARATOR}`) || other.endsWith(`${SEPARATOR}${path}`)),
  );
}
