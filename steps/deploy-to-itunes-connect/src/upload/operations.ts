import type { BuildUploadFile } from '../../../../common/portal/index.ts';
import { registerUrlCredentials, StepError } from '../../../../common/step/index.ts';

/** One upload operation, checked: where its bytes go and how. */
export interface PartOperation {
  partNumber: number;
  method: string;
  /** Pre-signed: registered with the redactor, never printed whole. */
  url: string;
  offset: number;
  length: number;
  /** Exactly the headers Apple lists for it. */
  headers: Record<string, string>;
}

const UNEXPECTED_OPERATIONS_HINT =
  'App Store Connect handed out upload operations the Step cannot follow, usually a passing fault on its side: rerun the build, and report it with the log if it keeps happening';

/**
 * The reservation's upload operations, in file order, once they are shown to cover the file
 * exactly: every byte in one part, none outside it. Sending anything else would only fail at the
 * commit, after the whole upload.
 */
export function checkedOperations(file: BuildUploadFile, fileSize: number): PartOperation[] {
  const raw = file.attributes.uploadOperations ?? [];
  const fail = (why: string) =>
    new StepError(
      `App Store Connect's upload operations for ${file.attributes.fileName ?? 'the file'} ${why}`,
      {
        hint: UNEXPECTED_OPERATIONS_HINT,
      },
    );
  if (raw.length === 0) throw fail('are missing');
  const operations = raw.map((op, index): PartOperation => {
    const { method, url, offset, length } = op;
    if (!method || !url || !/^https:\/\//.test(url))
      throw fail(`include one without a method or an https URL`);
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset! < 0 || length! <= 0)
      throw fail(`include one with offset ${offset} and length ${length}`);
    registerUrlCredentials(url);
    const headers: Record<string, string> = {};
    for (const header of op.requestHeaders ?? []) if (header.name) headers[header.name] = header.value ?? '';
    return { partNumber: op.partNumber ?? index + 1, method, url, offset: offset!, length: length!, headers };
  });
  operations.sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const op of operations) {
    if (op.offset !== covered)
      throw fail(`leave a gap or overlap at byte ${Math.min(op.offset, covered)} of ${fileSize}`);
    covered += op.length;
  }
  if (covered !== fileSize) throw fail(`cover ${covered} bytes of a ${fileSize}-byte file`);
  return operations;
}
