/** A bounded list of examples: keeps the first `max` items pushed, in push order, and ignores the rest. */
export class Samples<T> {
  readonly items: T[] = [];

  constructor(private readonly max: number) {}

  push(item: T): void {
    if (this.items.length < this.max) this.items.push(item);
  }
}
