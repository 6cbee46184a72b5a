/** File-system error codes in the words of `ls` and Go's os package, as kubectl prints them. */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
};

/** `no such file or directory` for a Node `ENOENT: no such file or directory, open 'x'`. Pure. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code === undefined ? undefined : WORDS[code]) ?? (e as Error).message;
}
