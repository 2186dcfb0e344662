import { rootCertificates } from 'node:tls';
import { parseBundle, parseCertificate, type Certificate } from '../src/cert/certificate.js';
import { AnchorSet } from '../src/cert/path.js';
import { PATH_CANDIDATE_BUDGET, validatePath } from '../src/cert/validate.js';
import { MAX_CHAIN_LENGTH } from '../src/probes/tls.js';
import { createCa, issueCertificate } from '../lab/pki.js';
import { certificateMaze } from '../test/helpers/hostile/pki.js';

/**
 * Path validation cost per chain (issue 17): validatePath is synchronous, so its worst case is
 * how long one hostile endpoint can hold the event loop. Measured on the worst chain a peer can
 * present (MAX_CHAIN_LENGTH certificates that cross-sign each other, so every step has several
 * valid issuers) with RSA and P-256 keys, against Node's root store as anchors, next to an
 * ordinary three-certificate chain. Each figure is the slowest of several runs, signature cache
 * cold (fresh certificates each run).
 */
const RUNS = 5;
const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

function nodeRoots(): AnchorSet {
  const anchors = new AnchorSet();
  for (const pem of rootCertificates) {
    for (const certificate of parseBundle(Buffer.from(pem)).certificates) anchors.add(certificate, 'Node root store');
  }
  return anchors;
}

interface Figure {
  label: string;
  certificates: number;
  worstMs: number;
  candidates: number;
  verdict: string;
}

function measure(label: string, make: () => { presented: Certificate[]; anchors: AnchorSet }): Figure {
  let worstMs = 0;
  let candidates = 0;
  let verdict = '';
  let certificates = 0;
  for (let run = 0; run < RUNS; run++) {
    const { presented, anchors } = make();
    certificates = presented.length;
    const start = performance.now();
    const result = validatePath(presented, anchors, { at: new Date() });
    worstMs = Math.max(worstMs, performance.now() - start);
    candidates = result.candidates;
    verdict = result.valid ? 'valid' : `invalid: ${result.failure.message.slice(0, 90)}`;
  }
  return { label, certificates, worstMs, candidates, verdict };
}

export function certPathFigures(out: (line?: string) => void): void {
  const roots = nodeRoots();
  const figures: Figure[] = [];
  const root = createCa('Bench Root');
  const issuing = createCa('Bench Issuing CA', {}, root);
  const leaf = issueCertificate({ commonName: 'expe.example.com', sans: ['expe.example.com'] }, issuing);
  figures.push(
    measure('ordinary chain, leaf + issuing CA, root in the store', () => {
      const anchors = nodeRoots();
      anchors.add(parseCertificate(root.certDer), 'bench store');
      return { presented: [leaf.certDer, issuing.certDer].map((d) => parseCertificate(d)), anchors };
    }),
  );
  for (const keyType of ['rsa', 'ec'] as const) {
    // Generated once: the keys are the slow part and are not what is measured.
    const maze = certificateMaze(MAX_CHAIN_LENGTH / 2, keyType);
    const pems = [maze.leafPem, ...maze.intermediatePems.slice(0, MAX_CHAIN_LENGTH - 1)];
    figures.push(
      measure(`cross-signed maze, ${keyType === 'rsa' ? 'RSA 2048' : 'P-256'} keys`, () => ({
        presented: pems.map((pem) => parseCertificate(der(pem))),
        anchors: roots,
      })),
    );
  }
  out(
    `6. Certificate path validation per chain (slowest of ${RUNS} runs, budget ${PATH_CANDIDATE_BUDGET} candidates, ${roots.size} Node roots as anchors)`,
  );
  for (const figure of figures) {
    out(
      `   ${figure.label}: ${figure.certificates} certificates, ${figure.worstMs.toFixed(1)} ms, ${figure.candidates} candidates, ${figure.verdict}`,
    );
  }
}
