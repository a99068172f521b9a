import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const help = `nccoflow ${pkg.version}: typed Vonage Voice call flows

Usage: nccoflow <command>

Commands:
  help        show this help
  version     print the version
`

/** Runs the `nccoflow` command with its arguments; resolves to the exit code. */
export async function main(argv: readonly string[], out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const [command = 'help'] = argv
  if (command === 'version' || command === '--version' || command === '-v') {
    out(`${pkg.version}\n`)
    return 0
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    out(help)
    return 0
  }
  out(`nccoflow: unknown command "${command}"\n\n${help}`)
  return 1
}
