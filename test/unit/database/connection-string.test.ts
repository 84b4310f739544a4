import {expect} from 'chai'

import {
  connectionSecrets,
  describeConnection,
  parseConnectionString,
  type ParsedConnection,
} from '../../../src/database/connection-string.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'

function mssql(text: string): Extract<ParsedConnection, {kind: 'mssql'}> {
  const parsed = parseConnectionString(text)
  if (parsed.kind !== 'mssql') throw new Error(`expected SQL Server, got ${parsed.kind}`)
  return parsed
}

function rejection(text: string): RecoveryError {
  try {
    parseConnectionString(text)
  } catch (error) {
    expect(error).to.be.instanceOf(RecoveryError)
    expect((error as RecoveryError).exitCode).to.equal(ExitCode.NotFound)
    return error as RecoveryError
  }

  throw new Error('expected the connection string to be rejected')
}

describe('parseConnectionString', () => {
  describe('SQL Server (ADO.NET keywords)', () => {
    it('reads the usual Octopus connection string', () => {
      const parsed = mssql('Server=sql01;Database=Octopus;User Id=octo;Password=s3cret!;TrustServerCertificate=True')
      expect(parsed.databaseName).to.equal('Octopus')
      expect(parsed.host).to.equal('sql01')
      expect(parsed.config).to.deep.include({server: 'sql01', database: 'Octopus', user: 'octo', password: 's3cret!'})
      expect(parsed.config.options).to.deep.include({trustServerCertificate: true, encrypt: true})
    })

    for (const [serverKey, databaseKey, userKey, passwordKey] of [
      ['Data Source', 'Initial Catalog', 'UID', 'PWD'],
      ['Address', 'Database', 'User', 'Password'],
      ['Addr', 'Initial Catalog', 'User ID', 'pwd'],
      ['Network Address', 'database', 'uid', 'PASSWORD'],
    ]) {
      it(`accepts the synonyms ${serverKey} / ${databaseKey} / ${userKey} / ${passwordKey}`, () => {
        const parsed = mssql(`${serverKey}=db.example.com;${databaseKey}=Octo;${userKey}=me;${passwordKey}=pw`)
        expect(parsed.config).to.deep.include({server: 'db.example.com', database: 'Octo', user: 'me', password: 'pw'})
      })
    }

    it('ignores the case of keywords and the space around keys and values', () => {
      const parsed = mssql('  SERVER = sql01 ; initial   CATALOG=Octopus;user id=octo ;  PassWord= pw  ;')
      expect(parsed.config).to.deep.include({server: 'sql01', database: 'Octopus', user: 'octo', password: 'pw'})
    })

    it('reads quoted values, with ; and = inside and doubled quotes', () => {
      const parsed = mssql(`Server=sql01;Database="Octo;pus";User Id='o''brien';Password="p;w=""x"""`)
      expect(parsed.databaseName).to.equal('Octo;pus')
      expect(parsed.config.user).to.equal("o'brien")
      expect(parsed.config.password).to.equal('p;w="x"')
    })

    it('lets the last of a repeated keyword win, as SqlClient does', () => {
      expect(mssql('Server=a;Data Source=b;Database=D;User Id=u;Password=p').config.server).to.equal('b')
    })

    it('reads a port after a comma and a tcp: prefix', () => {
      const parsed = mssql('Server=tcp:sql01.corp,14330;Database=Octopus;User Id=u;Password=p')
      expect(parsed.config.server).to.equal('sql01.corp')
      expect(parsed.config.port).to.equal(14_330)
      expect(parsed.config.options?.instanceName).to.equal(undefined)
      expect(parsed.host).to.equal('sql01.corp,14330')
    })

    it('reads a named instance, and lets a port win over it', () => {
      const named = mssql('Server=sql01\\SQLEXPRESS;Database=Octopus;User Id=u;Password=p')
      expect(named.config.server).to.equal('sql01')
      expect(named.config.options?.instanceName).to.equal('SQLEXPRESS')
      expect(named.config.port).to.equal(undefined)
      expect(named.host).to.equal('sql01\\SQLEXPRESS')

      const both = mssql('Server=sql01\\SQLEXPRESS,1500;Database=Octopus;User Id=u;Password=p')
      expect(both.config.port).to.equal(1500)
      expect(both.config.options?.instanceName).to.equal(undefined)
    })

    it('turns . and (local) into localhost', () => {
      expect(mssql('Server=.;Database=D;User Id=u;Password=p').config.server).to.equal('localhost')
      expect(mssql('Server=(local)\\SQL2019;Database=D;User Id=u;Password=p').config.server).to.equal('localhost')
    })

    it('reads Encrypt, Connect Timeout, Application Name and MultiSubnetFailover', () => {
      const parsed = mssql(
        'Server=s;Database=D;User Id=u;Password=p;Encrypt=False;Connect Timeout=45;Application Name=Octopus ' +
          'Server;MultiSubnetFailover=yes',
      )
      expect(parsed.config.options).to.deep.include({
        encrypt: false,
        appName: 'Octopus Server',
        multiSubnetFailover: true,
      })
      expect(parsed.config.connectionTimeout).to.equal(45_000)
      expect(mssql('Server=s;Database=D;User Id=u;Password=p;Encrypt=Strict').config.options?.encrypt).to.equal(
        'strict',
      )
      expect(mssql('Server=s;Database=D;User Id=u;Password=p;Connection Timeout=5').config.connectionTimeout).to.equal(
        5000,
      )
      expect(mssql('Server=s;Database=D;User Id=u;Password=p;App=x').config.options?.appName).to.equal('x')
    })

    it('ignores keywords it has no use for', () => {
      const parsed = mssql(
        'Server=s;Database=D;User Id=u;Password=p;Max Pool Size=200;Pooling=true;MultipleActiveResultSets=False',
      )
      expect(parsed.config).to.deep.include({server: 's', database: 'D'})
    })

    it('uses NTLM for Integrated Security with DOMAIN\\user, and refuses it without one', () => {
      const ntlm = mssql('Server=s;Database=D;Integrated Security=SSPI;User Id=CORP\\octo;Password=p')
      expect(ntlm.config).to.deep.include({domain: 'CORP', user: 'octo', password: 'p'})
      for (const sso of ['Trusted_Connection=True', 'Integrated Security=SSPI']) {
        const {message} = rejection(`Server=s;Database=D;${sso}`)
        // Says what to put in the string instead, for both kinds of login.
        expect(message, sso)
          .to.include('User Id=<login>;Password=<password>')
          .and.include('User Id=<DOMAIN>\\<user>;Password=<password>')
      }
    })

    it('refuses a string with no server, no database or no user', () => {
      expect(rejection('Database=D;User Id=u;Password=p').message).to.match(/no Server/)
      expect(rejection('Server=s;User Id=u;Password=p').message).to.match(/no Database/)
      expect(rejection('Server=s;Database=;User Id=u;Password=p').message).to.match(/no Database/)
      expect(rejection('Server=s;Database=D;Password=p').message).to.match(/no User Id/)
    })

    it('refuses invalid values with a message that says which setting', () => {
      expect(rejection('Server=s,99999;Database=D;User Id=u;Password=p').message).to.match(/port/)
      expect(rejection('Server=s;Database=D;User Id=u;Password=p;Encrypt=maybe').message).to.match(/Encrypt/)
      expect(rejection('Server=s;Database=D;User Id=u;Password=p;Connect Timeout=soon').message).to.match(
        /Connect Timeout/,
      )
      expect(rejection('Server=np:\\\\s\\pipe\\sql;Database=D;User Id=u;Password=p').message).to.match(/named pipes/)
      expect(rejection('Server=s;Database=D;Authentication=Active Directory Integrated').message).to.match(
        /Authentication/,
      )
    })

    it('refuses garbage with exit 7', () => {
      for (const text of [
        '',
        '   ',
        'hello world',
        'Server',
        '=value',
        'Server=s;Database="D',
        'Server=s;Database="D"x;',
        'https://example.com/db',
      ]) {
        expect(rejection(text).message).to.match(/^The database connection string is not valid: /)
      }
    })

    it('never repeats the password, whatever is wrong', () => {
      const password = 'Sup3r;Secret'
      for (const text of [
        `Server=s;Database=D;User Id=u;Password=${password}`, // unquoted ';' splits the password
        `Server=s;User Id=u;Password="${password}"`,
        `Server=s;Database=D;User Id=u;Password="${password}`,
        `Server=s;Database=D;User Id=u;Password="${password}" trailing`,
        `Database=D;Password=${password}`,
      ]) {
        const error = rejection(text)
        expect(error.message).not.to.contain('Sup3r')
        expect(error.message).not.to.contain('Secret')
        expect(error.suggestions.join(' ')).not.to.contain('Secret')
      }
    })
  })

  describe('PostgreSQL (URL)', () => {
    it('reads postgres:// and postgresql:// URLs', () => {
      const parsed = parseConnectionString('postgres://octo:pw@db.example.com:5433/Octopus?sslmode=require')
      expect(parsed).to.deep.equal({
        kind: 'postgres',
        url: 'postgres://octo:pw@db.example.com:5433/Octopus?sslmode=require',
        databaseName: 'Octopus',
        host: 'db.example.com:5433',
      })
      expect(parseConnectionString('postgresql://octo@localhost/octo%20db')).to.deep.include({
        databaseName: 'octo db',
        host: 'localhost',
      })
    })

    it('takes a Unix-socket host from the query string', () => {
      expect(parseConnectionString('postgres:///Octopus?host=/var/run/postgresql').host).to.equal('/var/run/postgresql')
    })

    it('refuses a URL without a database, and never repeats its password', () => {
      const error = rejection('postgres://octo:Secr3tPw@db.example.com:5432/')
      expect(error.message).to.match(/names no database/)
      expect(error.message).not.to.contain('Secr3tPw')
      expect(rejection('postgres://octo:Secr3tPw@[bad/Octopus').message).not.to.contain('Secr3tPw')
    })
  })
})

describe('describeConnection', () => {
  it('names the database and host, never the user or password', () => {
    const sqlServer = parseConnectionString('Server=sql01,1433;Database=Octopus;User Id=octo;Password=pw-123')
    expect(describeConnection(sqlServer)).to.equal('database Octopus on host sql01,1433')
    const postgres = parseConnectionString('postgres://octo:pw-123@db:5432/Octopus')
    expect(describeConnection(postgres)).to.equal('database Octopus on host db:5432')
  })
})

describe('connectionSecrets', () => {
  it('lists the password as written and as decoded', () => {
    expect(connectionSecrets(parseConnectionString('postgres://u:p%40ss@h/d'))).to.deep.equal(['p%40ss', 'p@ss'])
    expect(connectionSecrets(parseConnectionString('Server=s;Database=D;User Id=u;Password=x"y'))).to.deep.equal([
      'x"y',
    ])
    expect(connectionSecrets(parseConnectionString('postgres://u@h/d'))).to.deep.equal([])
  })
})
