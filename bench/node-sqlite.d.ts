// The part of `node:sqlite` (Node ≥ 22.13) the SQLite bench uses: @types/node follows the oldest
// Node the project supports (20), which has no such module.
declare module "node:sqlite" {
  type Value = null | number | bigint | string | Uint8Array;
  export class StatementSync {
    all(...parameters: Value[]): Record<string, Value>[];
    get(...parameters: Value[]): Record<string, Value> | undefined;
    run(...parameters: Value[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  }
  export class DatabaseSync {
    constructor(path: string, options?: { readOnly?: boolean; allowExtension?: boolean });
    exec(sql: string): void;
    prepare(sql: string): StatementSync;
    loadExtension(path: string): void;
    enableLoadExtension(allow: boolean): void;
    close(): void;
  }
}
