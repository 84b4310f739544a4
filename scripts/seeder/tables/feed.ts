import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

const FEED_TYPES = ['NuGet', 'Docker', 'Maven', 'Helm', 'GitHub'] as const

export const feedGenerator: TableGenerator = {
  table: 'Feed',
  weight: 0.03,
  build(index, rng) {
    const n = index + 1
    const feedType = rng.pick(FEED_TYPES)
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
        DownloadAttempts: 5,
        DownloadRetryBackoffSeconds: 10,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
