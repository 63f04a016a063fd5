// A config-database table with SQLite rowid semantics, as the middleware's datastore has: a new
// row gets max(id) + 1, so deleting the newest row makes its id come back on the next insert.
// Clients must never trust a stored id without checking the row is still the one they made.
//
// `rowsRead` counts the rows the datastore hands to the middleware's Python code: every row of a
// whole-table read (`all`, `filter`), only the matching rows of a filtered SQL select (`where`).
// Single-row lookups (`get`, `find`) and SQLite's own work (`rows`, `count`, foreign-key cascades)
// are not counted: their cost does not grow with what the caller does not ask for.

export class Table<T extends { id: number }> {
  readonly #rows = new Map<number, T>();
  #rowsRead = 0;
  /** max(id), or undefined after the row holding it was deleted (found again on the next insert). */
  #maxId: number | undefined = 0;

  insert(row: Omit<T, 'id'>): T {
    if (this.#maxId === undefined) {
      this.#maxId = 0;
      for (const id of this.#rows.keys()) {
        this.#maxId = Math.max(this.#maxId, id);
      }
    }
    const full = { ...row, id: this.#maxId + 1 } as T;
    this.#rows.set(full.id, full);
    this.#maxId = full.id;
    return full;
  }

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  delete(id: number): boolean {
    if (id === this.#maxId) {
      this.#maxId = undefined;
    }
    return this.#rows.delete(id);
  }

  /** Every row, ordered by id, without counting them (SQLite-internal work, test hooks). */
  rows(): T[] {
    return [...this.#rows.values()].sort((a, b) => a.id - b.id);
  }

  /** A whole-table read: every row counts as read. */
  all(): T[] {
    const rows = this.rows();
    this.#rowsRead += rows.length;
    return rows;
  }

  /**
   * A filtered SQL select: the rows matching `predicate` (ordered by id), shaped by `window`
   * (ORDER BY / OFFSET / LIMIT); only the rows it returns count as read. `ids`, when the filters
   * pin the primary key, are looked up directly (SQLite's primary-key index) instead of scanned.
   */
  where(predicate: (row: T) => boolean, window: (rows: T[]) => T[] = (rows) => rows, ids?: readonly unknown[]): T[] {
    const matched: T[] = [];
    const candidates = ids
      ? [...new Set(ids)].flatMap((id) =>
          typeof id === 'number' && this.#rows.has(id) ? [this.#rows.get(id) as T] : [],
        )
      : this.#rows.values();
    for (const row of candidates) {
      if (predicate(row)) {
        matched.push(row);
      }
    }
    const rows = window(matched.sort((a, b) => a.id - b.id));
    this.#rowsRead += rows.length;
    return rows;
  }

  /** `SELECT count(*) … WHERE`: SQLite counts, no row reaches the middleware. */
  count(predicate: (row: T) => boolean): number {
    let n = 0;
    for (const row of this.#rows.values()) {
      if (predicate(row)) {
        n++;
      }
    }
    return n;
  }

  find(predicate: (row: T) => boolean): T | undefined {
    for (const row of this.#rows.values()) {
      if (predicate(row)) {
        return row;
      }
    }
    return undefined;
  }

  /** A whole-table read filtered afterwards (in Python): every row counts as read. */
  filter(predicate: (row: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  get size(): number {
    return this.#rows.size;
  }

  /** Rows handed to the middleware so far (see the file comment). */
  get rowsRead(): number {
    return this.#rowsRead;
  }
}
