// A config-database table with SQLite rowid semantics, as the middleware's datastore has: a new
// row gets max(id) + 1, so deleting the newest row makes its id come back on the next insert.
// Clients must never trust a stored id without checking the row is still the one they made.

export class Table<T extends { id: number }> {
  readonly #rows = new Map<number, T>();

  insert(row: Omit<T, 'id'>): T {
    let max = 0;
    for (const id of this.#rows.keys()) {
      max = Math.max(max, id);
    }
    const full = { ...row, id: max + 1 } as T;
    this.#rows.set(full.id, full);
    return full;
  }

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  delete(id: number): boolean {
    return this.#rows.delete(id);
  }

  all(): T[] {
    return [...this.#rows.values()].sort((a, b) => a.id - b.id);
  }

  find(predicate: (row: T) => boolean): T | undefined {
    for (const row of this.#rows.values()) {
      if (predicate(row)) {
        return row;
      }
    }
    return undefined;
  }

  filter(predicate: (row: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  get size(): number {
    return this.#rows.size;
  }
}
