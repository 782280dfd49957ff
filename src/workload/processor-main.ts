/**
 * Our processor under test, run as its own OS process (so it can be killed and paused): the
 * pipeline on the client the plan chose (STREAMCHAOS_CLIENT: kafkajs, the default, or
 * librdkafka). The contract it reads is in processor-config.ts.
 */
const client = process.env.STREAMCHAOS_CLIENT ?? 'kafkajs';
await import(client === 'kafkajs' ? './processor-kafkajs.js' : './processor-librdkafka.js');
