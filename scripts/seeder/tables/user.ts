import {seededUser} from '../people.js'
import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

/** Users: the columns and, inside the JSON, the same values again (as identity claims). */
export const userGenerator: TableGenerator = {
  table: 'User',
  weight: 0.04,
  build(index, _rng, context) {
    const user = seededUser(context.seed, index)
    return {
      columns: {Username: user.username, DisplayName: user.displayName, EmailAddress: user.emailAddress},
      document: {
        Id: user.id,
        Username: user.username,
        DisplayName: user.displayName,
        EmailAddress: user.emailAddress,
        IsActive: true,
        IsService: false,
        Identities: [
          {
            IdentityProviderName: 'Octopus ID',
            Claims: {
              email: {Value: user.emailAddress, IsIdentifyingClaim: true},
              dn: {Value: user.displayName, IsIdentifyingClaim: false},
            },
          },
        ],
        Metadata: trickyMetadata(index),
      },
    }
  },
}
