import {createHmac, randomBytes} from 'node:crypto'

/**
 * One pseudonym per person, `user-<8 hex>`, keyed with a random secret that lives only as long as this
 * object: the same person gets the same pseudonym throughout a run, and nobody can recompute it afterwards.
 */
export class Pseudonymizer {
  private readonly secret = randomBytes(32)
  private readonly byPerson = new Map<string, string>()
  private readonly taken = new Set<string>()

  /** The pseudonym of the person identified by `identity` (a user Id, or a username with no user). */
  pseudonymFor(identity: string): string {
    let pseudonym = this.byPerson.get(identity)
    if (pseudonym) return pseudonym
    // 8 hex digits collide at scale; a counter keeps two people from ever sharing one.
    for (let attempt = 0; ; attempt++) {
      const digest = createHmac('sha256', this.secret).update(`${attempt}\u0000${identity}`).digest('hex')
      pseudonym = `user-${digest.slice(0, 8)}`
      if (!this.taken.has(pseudonym)) break
    }
    this.taken.add(pseudonym)
    this.byPerson.set(identity, pseudonym)
    return pseudonym
  }
}

export const pseudonymEmail = (pseudonym: string) => `${pseudonym}@example.invalid`
