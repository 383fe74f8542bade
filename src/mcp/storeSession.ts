import { openStoreAccess, type StoreAccess } from '../proxy/storeAccess';

/** How long an idle store stays open for the next call before it is let go. */
const IDLE_RELEASE_MS = 250;

/**
 * The MCP server's way to the store. It runs as long as the agent that started it, so it
 * must not hold the store's lock for all that time: a proxy starting later could never open
 * it. Each call goes through the running proxy when there is one, and otherwise opens the
 * store, shares it with the calls in flight, and closes it soon after the last one.
 */
export class StoreSession {
  private opened: Promise<StoreAccess> | undefined;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly onWarning: (message: string) => void,
  ) {}

  async use<T>(work: (access: StoreAccess) => Promise<T>): Promise<T> {
    clearTimeout(this.idleTimer);
    this.users++;
    try {
      return await work(await this.access());
    } finally {
      this.users--;
      if (this.users === 0 && this.opened) this.idleTimer = setTimeout(() => void this.release(), IDLE_RELEASE_MS);
    }
  }

  /** Closes the store if this session has it open. */
  async release(): Promise<void> {
    clearTimeout(this.idleTimer);
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened).close();
  }

  /** Calls in flight share one opening, so they never wait on each other's lock. */
  private access(): Promise<StoreAccess> {
    if (this.opened) return this.opened;
    const opening = openStoreAccess(this.file, this.onWarning).then(
      (access) => {
        // A proxy's loopback API holds nothing open: the next call looks for the proxy afresh.
        if (access.via === 'proxy' && this.opened === opening) this.opened = undefined;
        return access;
      },
      (error: unknown) => {
        if (this.opened === opening) this.opened = undefined;
        throw error;
      },
    );
    this.opened = opening;
    return opening;
  }
}
