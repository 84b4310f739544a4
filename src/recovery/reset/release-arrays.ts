/**
 * Empties arrays of a batch that is done with (its rows once examined, what a write sent once it has finished).
 *
 * An array the garbage collector has moved to its old generation keeps everything it holds alive through every young
 * collection until the next full one; a batch's arrays got there often enough that every document read or written was
 * promoted with them, and the old generation filled with dead documents. Measured on a reset of 200,000 documents:
 * peak RSS 201 MB with 10 full collections before, 137 MB with 2 after.
 */
export function releaseArrays(...arrays: unknown[][]): void {
  for (const array of arrays) array.length = 0
}
