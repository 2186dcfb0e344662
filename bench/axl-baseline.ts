import { Agent, request } from 'undici';

/**
 * The yardstick of SPEC 8.10: the plainest fetch of the data a snapshot holds, with nothing of the
 * collector in it. Two requests in flight over two kept-alive connections, one queue; one list
 * per type, paged with skip/first (two pages of a list ahead, as the collector pages); one get*
 * per object whose details no list returns (date/time group, region, common phone profile, user
 * profile); SQL where no typed request exists (users' profiles, enterprise parameters); only the
 * returnedTags the AXL 15.0 list types define. Pages are counted, not parsed: only the names the
 * gets need are picked out with a regular expression. A 503 or a memory fault is retried after
 * 100 ms; nothing else is handled.
 */
export interface BaselineOptions {
  url: string;
  username: string;
  password: string;
  ca: string;
  /** Rows per page (the collector's default, so both ask the same pages). */
  pageRows: number;
  version?: string;
}

export interface BaselineFigures {
  requests: number;
  bytes: number;
  retries: number;
  rows: number;
}

interface Task {
  operation: string;
  body: string;
  /** Gets the answer's text; may queue more tasks. */
  done: (text: string) => void;
}

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const esc = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unesc = (value: string): string =>
  value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export async function baselineFetch(options: BaselineOptions): Promise<BaselineFigures> {
  const version = options.version ?? '15.0';
  const agent = new Agent({ connections: 2, keepAliveTimeout: 30_000, connect: { ca: options.ca } });
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const figures: BaselineFigures = { requests: 0, bytes: 0, retries: 0, rows: 0 };
  const queue: Task[] = [];

  const post = async (task: Task): Promise<string> => {
    for (;;) {
      figures.requests++;
      const response = await request(options.url, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"CUCM:DB ver=${version} ${task.operation}"`,
          authorization: auth,
        },
        body: `<soapenv:Envelope xmlns:soapenv="${SOAP}" xmlns:ns="http://www.cisco.com/AXL/API/${version}"><soapenv:Body><ns:${task.operation}>${task.body}</ns:${task.operation}></soapenv:Body></soapenv:Envelope>`,
      });
      const text = await response.body.text();
      figures.bytes += Buffer.byteLength(text);
      if (response.statusCode === 503 || text.includes('Maximum AXL Memory Allocation Consumed')) {
        figures.retries++;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (response.statusCode !== 200) throw new Error(`${task.operation}: HTTP ${response.statusCode}`);
      return text;
    }
  };

  /**
   * Pages of one list or query: the first alone (most lists fit in it), then two ahead until a
   * page comes back short, as the collector pages. `done` gets every page's text at the end.
   */
  const paged = (
    operation: string,
    body: (skip: number, first: number) => string,
    item: string,
    done?: (texts: string[]) => void,
  ): void => {
    const texts: string[] = [];
    let nextSkip = 0;
    let ended = false;
    let outstanding = 0;
    const page = (): void => {
      const skip = nextSkip;
      nextSkip += options.pageRows;
      outstanding++;
      queue.push({
        operation,
        body: body(skip, options.pageRows),
        done: (text) => {
          outstanding--;
          const rows = text.split(item).length - 1;
          figures.rows += rows;
          if (done) texts.push(text);
          if (rows < options.pageRows) ended = true;
          else if (!ended) {
            page();
            if (skip === 0) page();
          }
          if (ended && outstanding === 0) done?.(texts);
        },
      });
    };
    page();
  };

  const list = (entity: string, criteria: string, tags: readonly string[], names?: (names: string[]) => void): void => {
    const returned = tags.map((tag) => `<${tag}/>`).join('');
    paged(
      `list${entity[0]!.toUpperCase()}${entity.slice(1)}`,
      (skip, first) =>
        `<searchCriteria>${criteria}</searchCriteria><returnedTags>${returned}</returnedTags><skip>${skip}</skip><first>${first}</first>`,
      `<${entity} `,
      names &&
        ((texts) =>
          names(texts.flatMap((text) => [...text.matchAll(/<name>([^<]*)<\/name>/g)].map((m) => unesc(m[1]!))))),
    );
  };

  const get = (entity: string) => (names: string[]) => {
    const operation = `get${entity[0]!.toUpperCase()}${entity.slice(1)}`;
    for (const name of names)
      queue.push({ operation, body: `<name>${esc(name)}</name>`, done: () => void figures.rows++ });
  };

  const sql = (query: string): void => {
    const rest = query.replace(/^select /, '');
    paged(
      'executeSQLQuery',
      (skip, first) => `<sql>${esc(`select skip ${skip} first ${first} ${rest}`)}</sql>`,
      '<row>',
    );
  };

  queue.push({ operation: 'getCCMVersion', body: '<processNodeName/>', done: () => {} });
  list('processNodeService', '<processNodeName>%</processNodeName>', ['processNodeName', 'service', 'enable']);
  list('phone', '<name>%</name>', [
    'name',
    'product',
    'protocol',
    'devicePoolName',
    'securityProfileName',
    'commonPhoneConfigName',
    'ownerUserName',
  ]);
  list('phoneSecurityProfile', '<name>%</name>', [
    'name',
    'phoneType',
    'protocol',
    'deviceSecurityMode',
    'transportType',
    'tftpEncryptedConfig',
    'EnableOAuthAuthentication',
  ]);
  list('devicePool', '<name>%</name>', ['name', 'dateTimeSettingName', 'regionName']);
  list('dateTimeGroup', '<name>%</name>', ['name'], get('dateTimeGroup'));
  list('region', '<name>%</name>', ['name'], get('region'));
  list('commonPhoneConfig', '<name>%</name>', ['name'], get('commonPhoneConfig'));
  list(
    'userProfileProvision',
    '<name>%</name>',
    ['name', 'allowProvision', 'limitProvision'],
    get('userProfileProvision'),
  );
  list('user', '<userid>%</userid>', ['userid', 'imAndPresenceEnable']);
  sql(
    'select e.userid as userid, p.name as userprofile from enduser e, ucuserprofile p where e.fkucuserprofile = p.pkid order by e.userid',
  );
  sql(
    "select paramname, paramvalue from processconfig where paramname in ('ClusterSecurityMode', 'ClusterSIPOAuthMode') order by paramname",
  );

  // Two workers over one queue: two requests in flight for as long as there is work.
  let busy = 0;
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      while (busy < 2 && queue.length > 0) {
        const task = queue.shift()!;
        busy++;
        post(task)
          .then((text) => {
            task.done(text);
            busy--;
            if (busy === 0 && queue.length === 0) resolve();
            else next();
          })
          .catch(reject);
      }
    };
    next();
  });
  await agent.close();
  return figures;
}
