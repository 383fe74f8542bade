import type { Response } from 'express';

/** Writes to the client with backpressure, and stops waiting if the client goes away. */
export async function writeWithBackpressure(res: Response, text: string): Promise<void> {
  if (res.writableEnded || res.destroyed || res.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
