export class DeadlineExceeded extends Error {
  constructor() {
    super('compression time budget exceeded');
    this.name = 'DeadlineExceeded';
  }
}

/** Returns a check to call inside long loops; it throws once the deadline has passed. */
export function deadlineCheck(deadline: number | undefined): () => void {
  if (deadline === undefined) return () => undefined;
  return () => {
    if (Date.now() > deadline) throw new DeadlineExceeded();
  };
}
