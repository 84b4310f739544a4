import {expect} from 'chai'
import {mkdtemp, rm, truncate} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {type PlannedRow, RowPlanReader, RowPlanWriter} from '../../../bench/lib/row-plan.js'
import {fuzzPrng} from '../recovery/support/fuzz-seed.js'

describe("a floor's plan file", () => {
  let folder: string
  beforeEach(async () => (folder = await mkdtemp(path.join(tmpdir(), 'row-plan-'))))
  afterEach(() => rm(folder, {recursive: true, force: true}))

  it('gives back every row written, NULLs, empty strings and any script included, across its read chunks', async () => {
    const rng = fuzzPrng('row plan round trip')
    const pieces = ['a', 'é', '🚀', '"', '\\', '\n', '\u0000', 'Grüße', '']
    // Every 1,000th row holds a value of 4.5 MB, so rows and lengths straddle the reader's 8 MB chunks.
    const value = (index: number) => {
      if (rng.chance(0.1)) return null
      const repeat = index % 1000 === 999 ? 4_500_000 : 1 + rng.int(40)
      return rng.pick(pieces) + 'a'.repeat(repeat) + rng.pick(pieces)
    }
    const rows: PlannedRow[] = Array.from({length: 3000}, (_, index) => [
      `Events-${index}`,
      ...Array.from({length: 1 + rng.int(4)}, () => value(index)),
    ])
    const file = path.join(folder, 'plan.bin')
    const writer = new RowPlanWriter(file)
    for (const row of rows) await writer.write(row)
    await writer.close()

    const reader = await RowPlanReader.open(file)
    const read: PlannedRow[] = []
    for (let row = await reader.next(); row; row = await reader.next()) read.push(row)
    await reader.close()
    expect(read.length).to.equal(rows.length)
    for (const [index, row] of rows.entries()) expect(read[index], `row ${index}`).to.deep.equal(row)
  })

  it('gives back the bytes of every value as written, text or Buffer, NULL apart from the empty text', async () => {
    const rows = [
      ['Grüße', Buffer.from([0, 1, 2, 255]), null, '', Buffer.alloc(0)],
      [Buffer.from('🚀', 'utf8'), 'x'.repeat(9_000_000)],
    ]
    const file = path.join(folder, 'bytes.bin')
    const writer = new RowPlanWriter(file)
    for (const row of rows) await writer.write(row)
    await writer.close()

    const reader = await RowPlanReader.open(file)
    const read: Array<Array<Buffer | null>> = []
    for (let row = await reader.nextBytes(); row; row = await reader.nextBytes()) read.push(row)
    await reader.close()
    const bytes = (value: string | Buffer | null) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value)
    expect(read).to.deep.equal(rows.map((row) => row.map(bytes)))
  })

  it('refuses a plan that ends inside a row', async () => {
    const file = path.join(folder, 'cut.bin')
    const writer = new RowPlanWriter(file)
    await writer.write(['Events-1', 'x'.repeat(100)])
    await writer.close()
    await truncate(file, 50)
    const reader = await RowPlanReader.open(file)
    let error: unknown
    await reader.next().catch((caught: unknown) => (error = caught))
    await reader.close()
    expect((error as Error).message).to.equal('the plan ends inside a row')
  })
})
