/** The message of the assertion `fn` makes fail; throws when it passes, so a test cannot miss it. */
export function failure(fn: () => void): string {
  try {
    fn()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the assertion to fail, it passed')
}
