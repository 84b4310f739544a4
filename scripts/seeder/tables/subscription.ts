import {seededDisabled} from '../disabled-share.js'
import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

/** Event subscriptions calling a webhook with a secret header value (left for the seeder to fill). */
export const subscriptionGenerator: TableGenerator = {
  table: 'Subscription',
  weight: 0.01,
  build(index) {
    const n = index + 1
    const disabled = seededDisabled(index)
    const name = `Subscription ${n}`
    return {
      columns: {Name: name, IsDisabled: disabled},
      document: {
        Id: `Subscriptions-${n}`,
        Name: name,
        Type: 'Event',
        IsDisabled: disabled,
        EventNotificationSubscription: {
          Filter: {EventCategories: ['DeploymentFailed'], Projects: [], Environments: []},
          EmailTeams: [],
          WebhookURI: `https://hooks.example.com/octopus/${n}`,
          WebhookHeaderKey: 'Authorization',
          WebhookHeaderValue: null,
          WebhookTimeout: '00:00:10',
        },
        Metadata: trickyMetadata(index),
      },
    }
  },
}
