// One node-wide budget of bytes held in memory for request bodies being read and provider answers
// being buffered (LINKHUB_MAX_BUFFERED_BYTES). Each is bounded on its own (a route's body limit, the
// client's largest answer); this bounds them together, so that many callers at once cannot make one
// node hold more than the budget. A counter: taking and giving back bytes is an add and a subtract.
// Shared by the HTTP layer (request bodies: src/http/body-budget.ts) and the upstream client
// (answers: collect.ts), hence here, where both may import it.

/** The code of the error that ends an answer the budget has no room for (the request was sent). */
export const ANSWER_OVER_BUDGET = 'LINKHUB_ANSWER_OVER_BUDGET';

/** An answer dropped mid-way: the node held as many bytes as its budget allows. */
export class AnswerOverBudgetError extends Error {
  readonly code = ANSWER_OVER_BUDGET;
  constructor() {
    super('The answer was dropped: the node holds as many buffered bytes as LINKHUB_MAX_BUFFERED_BYTES allows');
  }
}

export class ByteBudget {
  private heldBytes = 0;

  constructor(
    /** The most bytes held at once. */
    readonly max: number,
  ) {}

  /** Bytes held now. */
  get held(): number {
    return this.heldBytes;
  }

  /** Takes `n` bytes if they fit; false (nothing taken) when they would pass the budget. */
  take(n: number): boolean {
    const after = this.heldBytes + n;
    if (after > this.max) return false;
    this.heldBytes = after;
    return true;
  }

  /** Gives back `n` bytes taken earlier (each taking given back exactly once, by its taker). */
  release(n: number): void {
    this.heldBytes -= n;
  }
}
