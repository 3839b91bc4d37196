import { fitsNameField, longNameBlocks, paxHeaderBlocks, paxRecord, rewriteHeader, type HeaderChange, type MemberName, type PaxRecord } from './layer-tar-member.js';
import type { Member } from './layer-tar-rewriter.js';

/** A change to one member's headers: fields, pax records dropped and added. */
export interface MemberEdit extends Omit<HeaderChange, 'name'> {
  /** A new name for the member (a Buffer: its exact bytes). */
  path?: MemberName;
  /** Pax records to leave out, by key. */
  drop?: (key: string) => boolean;
  /** Pax records to add (after the kept ones). */
  add?: Array<[string, Buffer | string]>;
}

/**
 * The header bytes of `m` with `edit` applied: its pax records minus the dropped ones
 * plus the added ones (no pax header when none are left), a new name in the header field
 * or, when longer than 100 bytes, in a pax `path` record (a GNU long-name member that
 * named it before is left out); a long link name is kept unless the link name changes.
 */
export function editMember(m: Member, edit: MemberEdit): Buffer[] {
  const renamed = edit.path !== undefined;
  const relinked = edit.linkname !== undefined;
  const resized = edit.size !== undefined;
  const records: PaxRecord[] = m.pax.filter((r) => {
    if (renamed && (r.key === 'path' || r.key === 'GNU.sparse.name')) return false;
    if (relinked && r.key === 'linkpath') return false;
    if (resized && (r.key === 'size' || r.key.startsWith('GNU.sparse.'))) return false;
    if ((edit.devmajor !== undefined || edit.devminor !== undefined) && (r.key === 'SCHILY.devmajor' || r.key === 'SCHILY.devminor')) return false;
    return !edit.drop?.(r.key);
  });
  const name = edit.path ?? undefined;
  if (name !== undefined && !fitsNameField(name)) records.push(paxRecord('path', name));
  if (relinked && !fitsNameField(edit.linkname!)) records.push(paxRecord('linkpath', edit.linkname!));
  for (const [k, v] of edit.add ?? []) records.push(paxRecord(k, v));
  const { path: _path, drop: _drop, add: _add, ...fields } = edit;
  const header = rewriteHeader(m.header, { ...fields, ...(name !== undefined ? { name } : {}) });
  const out: Buffer[] = [];
  if (records.length) out.push(...paxHeaderBlocks(records, edit.path ?? m.entry.path, header, m.paxBlock));
  if (m.hasLongName && !renamed) out.push(...longNameBlocks('L', m.entry.path));
  if (m.hasLongLink && !relinked) out.push(...longNameBlocks('K', m.entry.linkTarget));
  out.push(header);
  return out;
}
