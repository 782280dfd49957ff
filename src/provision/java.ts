import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { exec, which } from '../util/exec.js';

export interface Java {
  bin: string;
  major: number;
}

/** Finds `java` ($JAVA_HOME/bin/java, else on PATH) and its major version. */
export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<Java> {
  const candidate = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const bin = await which(candidate, env);
  if (bin === undefined) {
    throw new ProvisionError(`Java was not found (looked for ${candidate})`, {
      hint: 'Kafka brokers run on the JVM: install a JDK 17 or newer (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME.',
    });
  }
  const result = await exec(bin, ['-version'], { timeoutMs: 30_000, what: `${bin} -version to say its version` });
  const match = result.tail.join('\n').match(/version "(\d+)(?:\.(\d+))?/);
  if (match === null) throw new ProvisionError(`could not read the version of ${bin}: ${result.tail.join(' ')}`);
  const first = Number(match[1]);
  const major = first === 1 ? Number(match[2]) : first;
  return { bin, major };
}

/** Kafka 4.x brokers need Java 17; 3.x brokers run on 11. */
export function requiredJavaFor(kafkaVersion: string): number {
  return Number(kafkaVersion.split('.')[0]) >= 4 ? 17 : 11;
}
