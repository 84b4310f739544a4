/** `iHaveBackedUpMyDatabase` → `i-have-backed-up-my-database`; a one-word name stays as it is. */
export function kebabCase(name: string): string {
  return name.replaceAll(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}

interface AliasableFlag {
  readonly aliases?: string[]
  readonly description?: string
}

/**
 * Every multi-word flag is spelled the way Octopus spells it (camelCase) and also in kebab-case. The alias is
 * derived here, not typed per flag, so a flag added later gets it too. oclif's help does not list aliases,
 * so the description names it.
 */
export function withKebabAliases<T extends Record<string, AliasableFlag>>(flags: T): T {
  const entries = Object.entries(flags).map(([name, flag]) => {
    const alias = kebabCase(name)
    if (alias === name) return [name, flag]
    const aliases = flag.aliases?.includes(alias) ? flag.aliases : [...(flag.aliases ?? []), alias]
    const mention = `Also --${alias}.`
    const description = flag.description?.includes(mention)
      ? flag.description
      : [flag.description, mention].filter(Boolean).join(' ')
    return [name, {...flag, aliases, description}]
  })
  return Object.fromEntries(entries) as T
}
