/**
 * The dialect each closed file was read into the index with, when a `policyLens.dialects` glob or
 * the project's config forced one on it: a closed file is read as `policylens sync` reads it (only
 * an Execlave bundle is indexed), and a change of those globs re-reads the files whose dialect it
 * changed. Files read with no forced dialect (the most) are not held.
 */
export class ReadDialects {
  private readonly readAs = new Map<string, string>();

  constructor(private readonly dialectFor: (uri: string) => string | undefined) {}

  /** The dialect to read a file with now, noted as the one it was read with. */
  take(uri: string): string | undefined {
    const dialect = this.dialectFor(uri);
    if (dialect === undefined) this.readAs.delete(uri);
    else this.readAs.set(uri, dialect);
    return dialect;
  }

  /** Of these files, those whose forced dialect is no longer the one they were read with. */
  changed(uris: Iterable<string>, skip: (uri: string) => boolean): string[] {
    const out: string[] = [];
    for (const uri of uris) if (!skip(uri) && this.dialectFor(uri) !== this.readAs.get(uri)) out.push(uri);
    return out;
  }

  /** Forgets the files no longer listed. */
  keepOnly(listed: ReadonlySet<string>): void {
    for (const uri of this.readAs.keys()) if (!listed.has(uri)) this.readAs.delete(uri);
  }
}
