import { describe, expect, it } from 'vitest';
import { buildStreamError, dockerfileText, inputsHash } from '../../src/provision/image-build.js';
import { parseLdd, type InputFile } from '../../src/provision/image-files.js';
import { IMAGE_LABEL, localImageName, PUBLIC_IMAGES } from '../../src/provision/image-names.js';

describe('ldd output', () => {
  it('keeps resolved libraries and the dynamic loader, and drops the vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd3a5f2000)',
      '\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f1e3c8a0000)',
      '\tlibjli.so => /usr/lib/jvm/java-17-openjdk-amd64/bin/../lib/libjli.so (0x00007f1e3c880000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1e3c69f000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f1e3c8c9000)',
    ].join('\n');
    expect(parseLdd(output)).toEqual({
      libs: [
        '/lib/x86_64-linux-gnu/libz.so.1',
        '/usr/lib/jvm/java-17-openjdk-amd64/bin/../lib/libjli.so',
        '/lib/x86_64-linux-gnu/libc.so.6',
        '/lib64/ld-linux-x86-64.so.2',
      ],
      missing: [],
    });
  });

  it('names what ldd cannot find, once each', () => {
    const output = '\tlibjvm.so => not found\n\tlibjvm.so => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f00)\n';
    expect(parseLdd(output)).toEqual({ libs: ['/lib/x86_64-linux-gnu/libc.so.6'], missing: ['libjvm.so'] });
  });

  it('finds nothing in a static binary', () => {
    expect(parseLdd('\tstatically linked\n')).toEqual({ libs: [], missing: [] });
    expect(parseLdd('\tnot a dynamic executable\n')).toEqual({ libs: [], missing: [] });
  });

  it('drops the vDSO as older glibc prints it (an arrow to no path)', () => {
    expect(parseLdd('\tlinux-vdso.so.1 =>  (0x00007fff)\n').libs).toEqual([]);
  });
});

describe('the Dockerfile of a local image', () => {
  it('copies rootfs onto scratch, sets the environment, the equivalent-of label and the entrypoint', () => {
    const text = dockerfileText({
      kind: 'kafka',
      equivalentOf: PUBLIC_IMAGES.kafka('4.3.1'),
      env: { JAVA_HOME: '/opt/java/openjdk', PATH: '/opt/java/openjdk/bin:/usr/bin:/bin' },
      entrypoint: ['java'],
    });
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'FROM scratch',
      'COPY rootfs/ /',
      'ENV JAVA_HOME="/opt/java/openjdk"',
      'ENV PATH="/opt/java/openjdk/bin:/usr/bin:/bin"',
      `LABEL ${IMAGE_LABEL.equivalentOf}="apache/kafka:4.3.1"`,
      'ENTRYPOINT ["java"]',
      '',
    ]);
  });

  it('names local images after their kind and version', () => {
    expect(localImageName('kafka', '4.3.1')).toBe('streamchaos/kafka:4.3.1');
    expect(localImageName('toxiproxy', '2.12.0')).toBe('streamchaos/toxiproxy:2.12.0');
    expect(localImageName('node', '20')).toBe('streamchaos/node:20');
    expect(PUBLIC_IMAGES).toMatchObject({ toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0', node: 'node:20-slim' });
  });
});

describe('the inputs hash', () => {
  const files: InputFile[] = [
    { dest: '/opt/kafka/libs/kafka-clients-4.3.1.jar', src: '/cache/libs/kafka-clients-4.3.1.jar', size: 2048, mtimeMs: 1_700_000_000_000 },
    { dest: '/opt/java/openjdk/bin/java', src: '/usr/lib/jvm/java-17/bin/java', size: 14_000, mtimeMs: 1_600_000_000_000 },
  ];
  const dockerfile = 'FROM scratch\nCOPY rootfs/ /\n';

  it('does not depend on the order the files were found in', () => {
    expect(inputsHash([...files].reverse(), dockerfile)).toBe(inputsHash(files, dockerfile));
    expect(inputsHash(files, dockerfile)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when a file's size changes", () => {
    const grown = files.map((f, i) => (i === 0 ? { ...f, size: f.size + 1 } : f));
    expect(inputsHash(grown, dockerfile)).not.toBe(inputsHash(files, dockerfile));
  });

  it("changes when a file's mtime, the Dockerfile or a generated file changes", () => {
    const base = inputsHash(files, dockerfile, { '/etc/passwd': 'root:x:0:0::/:/sbin/nologin\n' });
    const touched = files.map((f, i) => (i === 1 ? { ...f, mtimeMs: f.mtimeMs + 1 } : f));
    expect(inputsHash(touched, dockerfile, { '/etc/passwd': 'root:x:0:0::/:/sbin/nologin\n' })).not.toBe(base);
    expect(inputsHash(files, `${dockerfile}ENV A="1"\n`, { '/etc/passwd': 'root:x:0:0::/:/sbin/nologin\n' })).not.toBe(base);
    expect(inputsHash(files, dockerfile, { '/etc/passwd': 'root:x:0:0::/root:/sbin/nologin\n' })).not.toBe(base);
  });
});

describe('the build output stream', () => {
  it('finds the error the engine reports, preferring its detail', () => {
    expect(buildStreamError([{ stream: 'Step 1/5 : FROM scratch\n' }, { stream: ' ---> Running\n' }])).toBeUndefined();
    expect(
      buildStreamError([
        { stream: 'Step 2/5 : COPY rootfs/ /\n' },
        {
          error: 'COPY failed: file not found in build context',
          errorDetail: { message: 'COPY failed: file not found in build context or excluded by .dockerignore: stat rootfs/: file does not exist' },
        },
      ]),
    ).toBe('COPY failed: file not found in build context or excluded by .dockerignore: stat rootfs/: file does not exist');
    expect(buildStreamError([{ error: 'no space left on device\n' }])).toBe('no space left on device');
  });
});
