import {expect} from 'chai'

import {idColumnType} from '../../../src/database/dialects/mssql/mssql-sql.js'

describe('the type a batch’s Ids are read as on SQL Server (idColumnType)', () => {
  it('is the Id column’s own character type and width, in characters (sys.columns counts bytes)', () => {
    expect(idColumnType('nvarchar', 100)).to.equal('nvarchar(50)')
    expect(idColumnType('nvarchar', 420)).to.equal('nvarchar(210)')
    expect(idColumnType('NVARCHAR', 420)).to.equal('nvarchar(210)')
    expect(idColumnType('nchar', 40)).to.equal('nchar(20)')
    expect(idColumnType('varchar', 300)).to.equal('varchar(300)')
    expect(idColumnType('char', 36)).to.equal('char(36)')
    expect(idColumnType('nvarchar', -1)).to.equal('nvarchar(max)')
    expect(idColumnType('varchar', -1)).to.equal('varchar(max)')
  })

  it('is nvarchar(max), which holds every Id whole, for anything else or nothing known', () => {
    for (const [type, length] of [
      [undefined, undefined],
      [null, null],
      ['nvarchar', null],
      ['nvarchar', 0],
      ['nvarchar', 7],
      ['int', 4],
      ['uniqueidentifier', 16],
      ['constructor', 10],
      ['nvarchar); DROP TABLE "Feed"; --', 100],
    ] as Array<[string | null | undefined, number | null | undefined]>)
      expect(idColumnType(type, length), `${type} ${length}`).to.equal('nvarchar(max)')
  })
})
