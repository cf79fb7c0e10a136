// Starts the fixture service for the perf project when no base URL is set. Filled in by the suite work.
export default function setup(): void {}
