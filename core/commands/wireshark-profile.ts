import { writeWiresharkProfile } from '../wireshark/profile.js';
import { EXIT, refuseArguments, type CliValues } from './command-line.js';

/** `teamshark wireshark-profile`: the Teamshark profile, into Wireshark's profiles folder unless --out says where. */
export async function run(args: string[], values: CliValues): Promise<number> {
  refuseArguments(args);
  const folder = await writeWiresharkProfile({
    folder: values.out,
    force: values.force,
    decodeAs: values['decode-as'],
  });
  process.stdout.write(`teamshark: Wireshark profile written to ${folder}\n`);
  return EXIT.ok;
}
