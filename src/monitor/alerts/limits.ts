/**
 * The longest duration an option that ends up in a timer may take: 24 hours, in ms. Node clamps
 * a timer above 2^31 - 1 ms (about 24.8 days) to 1 ms, so an unbounded value would fire at once,
 * again and again, instead of waiting. Its own module so the notifiers can read it without
 * importing the option checks, which build notifiers to check them.
 */
export const MAX_TIMER_MS = 24 * 60 * 60 * 1000
