import {Decoy} from '../raw-json.js'
import {trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

/** Feed types in turn; the cloud ones carry a second secret (see the catalog), filled in by the seeder. */
const FEED_TYPES = [
  'NuGet',
  'Docker',
  'Maven',
  'Helm',
  'GitHub',
  'AwsElasticContainerRegistry',
  'S3',
  'GcsStorage',
] as const

/** Plain fields of each type, and decoys: a secret's name on a feed type that has no such secret. */
const EXTRA: Partial<Record<(typeof FEED_TYPES)[number], (n: number) => JsonDocument>> = {
  Docker: () => ({SecretKey: new Decoy('AWS secret key')}),
  Maven: () => ({ServiceAccountJsonKey: new Decoy('Google Cloud JSON key')}),
  AwsElasticContainerRegistry: (n) => ({Region: 'eu-west-1', AccessKey: `AKIA${String(n).padStart(16, '0')}`}),
  S3: (n) => ({UseMachineCredentials: false, AccessKey: `AKIA${String(n).padStart(16, '0')}`}),
  GcsStorage: () => ({UseServiceAccountKey: true, Project: 'deployments'}),
}

export const feedGenerator: TableGenerator = {
  table: 'Feed',
  weight: 0.03,
  build(index) {
    const n = index + 1
    const feedType = FEED_TYPES[index % FEED_TYPES.length]
    const name = `${feedType} feed ${n}`
    return {
      columns: {Name: name},
      document: {
        Id: `Feeds-${n}`,
        Name: name,
        FeedType: feedType,
        FeedUri: `https://packages.example.com/${feedType.toLowerCase()}/${n}`,
        Username: `feed-reader-${n}`,
        Password: null,
        ...EXTRA[feedType]?.(n),
        DownloadAttempts: 5,
        DownloadRetryBackoffSeconds: 10,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
