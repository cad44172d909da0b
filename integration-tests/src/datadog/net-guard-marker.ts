/** How the net guard of the dd-trace child processes reports a refused connection on stderr. */
export const BLOCKED_MARKER = '[net-guard] blocked';
