/** Said of each confirmation flag: a dry run changes nothing and needs none. */
export const CONFIRMATION_HELP = 'Required (except with --dryRun).'
