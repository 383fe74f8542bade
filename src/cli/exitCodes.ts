/** Exit statuses of `headroom proxy` that a supervisor (the extension) acts on. */
export const EXIT_PORT_IN_USE = 3;
export const EXIT_STORE_LOCKED = 4;
