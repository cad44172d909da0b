import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pingDocker } from '../docker';
import { ensureKafkaJars, renderPom } from '../kafka-local/jars';
import type { Log } from '../types';
import {
  type DebianMirrors,
  debianMirrors,
  osCodename,
  parseDeb822Sources,
  parseOneLineSources,
} from './apt-sources';
import { buildImage, imageExists, packageVersionIn, removeStaleTags } from './docker-cli';
import { BASE_IMAGE_CHANGES, buildBaseImage } from './rootfs';
import { baseTag, cacheKey, jrePackage, kafkaTag, rabbitmqTag, upstreamVersion } from './specs';

/** packages/brokers/images: Dockerfiles, scripts and the README with their contracts. */
export const IMAGES_DIR = resolve(__dirname, '..', '..', 'images');

export interface StandInImages {
  kafka: Array<{ version: string; image: string }>;
  rabbitmq: Array<{ suite: string; version: string; image: string }>;
}

export interface BuildOptions {
  root: string;
  kafkaVersions: readonly string[];
  /** Debian releases whose rabbitmq-server to build; Kafka is built on the first. */
  suites: readonly string[];
  /** Rebuild even what the cache has, without Docker's layer cache. */
  rebuild: boolean;
  log: Log;
}

/** Builds the stand-in images, or reuses those already built from the same inputs. */
export async function buildStandIns(options: BuildOptions): Promise<StandInImages> {
  const [kafkaSuite] = options.suites;
  if (!kafkaSuite) throw new Error('no Debian suite to build on');
  const engine = await pingDocker();
  if (!engine.ok)
    throw new Error(`no Docker engine answers (${engine.reason}); start dockerd first`);
  const workDir = join(options.root, '.cache', 'images');
  const mirrors = hostMirrors();
  const builder = new Builder(options, workDir, mirrors);

  const bases = new Map<string, string>();
  for (const suite of options.suites) bases.set(suite, await builder.base(suite));
  const kafkaBase = bases.get(kafkaSuite) as string;
  const kafka = [];
  for (const version of options.kafkaVersions) {
    kafka.push({ version, image: await builder.kafka(version, kafkaBase, jrePackage(kafkaSuite)) });
  }
  const rabbitmq = [];
  for (const suite of options.suites) {
    rabbitmq.push(await builder.rabbitmq(suite, bases.get(suite) as string));
  }
  return { kafka, rabbitmq };
}

class Builder {
  constructor(
    private readonly options: BuildOptions,
    private readonly workDir: string,
    private readonly mirrors: DebianMirrors,
  ) {}

  async base(suite: string): Promise<string> {
    const prepareScript = join(IMAGES_DIR, 'base', 'prepare-rootfs.sh');
    const key = cacheKey({
      suite,
      variant: 'minbase',
      mirrors: this.mirrors,
      prepare: readFileSync(prepareScript, 'utf8'),
      changes: BASE_IMAGE_CHANGES,
    });
    const tag = baseTag(suite, key);
    if (await this.cached(tag)) return tag;
    const started = Date.now();
    await buildBaseImage({
      suite,
      mirrors: this.mirrors,
      prepareScript,
      workDir: this.workDir,
      tag,
      logFile: this.logFile(`base-${suite}`),
      log: this.options.log,
    });
    await this.built(tag, `${suite}-`, started);
    return tag;
  }

  async kafka(version: string, base: string, jre: string): Promise<string> {
    const files = readContextFiles('kafka');
    const key = cacheKey({ base, jre, version, pom: renderPom(version), files });
    const tag = kafkaTag(version, key);
    if (await this.cached(tag)) return tag;
    const started = Date.now();
    const libs = await ensureKafkaJars(this.options.root, version, this.options.log);
    const context = this.stageContext('kafka', `kafka-${version}`, libs);
    try {
      this.options.log(`building ${tag}`);
      await buildImage(
        {
          context,
          tag,
          buildArgs: { BASE_IMAGE: base, JRE_PACKAGE: jre },
          noCache: this.options.rebuild,
        },
        this.logFile(`kafka-${version}`),
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    await this.built(tag, `${version}-`, started);
    return tag;
  }

  async rabbitmq(suite: string, base: string): Promise<StandInImages['rabbitmq'][number]> {
    const files = readContextFiles('rabbitmq');
    const tag = rabbitmqTag(suite, cacheKey({ base, files }));
    if (!(await this.cached(tag))) {
      const started = Date.now();
      const context = this.stageContext('rabbitmq', `rabbitmq-${suite}`);
      try {
        this.options.log(`building ${tag}`);
        await buildImage(
          { context, tag, buildArgs: { BASE_IMAGE: base }, noCache: this.options.rebuild },
          this.logFile(`rabbitmq-${suite}`),
        );
      } finally {
        rmSync(context, { recursive: true, force: true });
      }
      await this.built(tag, `debian-${suite}-`, started);
    }
    const installed = await packageVersionIn(tag, 'rabbitmq-server');
    if (!installed) throw new Error(`cannot read the rabbitmq-server version in ${tag}`);
    return { suite, version: upstreamVersion(installed), image: tag };
  }

  private async cached(tag: string): Promise<boolean> {
    if (this.options.rebuild || !(await imageExists(tag))) return false;
    this.options.log(`reusing ${tag}`);
    return true;
  }

  private async built(tag: string, tagPrefix: string, started: number): Promise<void> {
    this.options.log(`built ${tag} in ${Math.round((Date.now() - started) / 1000)} s`);
    const repository = tag.slice(0, tag.lastIndexOf(':'));
    for (const stale of await removeStaleTags(repository, tagPrefix, tag)) {
      this.options.log(`removed ${stale}, built from older inputs`);
    }
  }

  private logFile(step: string): string {
    return join(this.workDir, 'logs', `${step}.log`);
  }

  /** A build context: the files of images/<image>/, plus jars (hard-linked where possible). */
  private stageContext(image: ImageDir, name: string, libs?: string): string {
    const context = join(this.workDir, 'context', name);
    rmSync(context, { recursive: true, force: true });
    mkdirSync(context, { recursive: true });
    // Copies keep the scripts' executable bits.
    for (const file of readdirSync(join(IMAGES_DIR, image))) {
      copyFileSync(join(IMAGES_DIR, image, file), join(context, file));
    }
    if (libs) {
      mkdirSync(join(context, 'libs'));
      for (const jar of readdirSync(libs)) linkOrCopy(join(libs, jar), join(context, 'libs', jar));
    }
    return context;
  }
}

type ImageDir = 'kafka' | 'rabbitmq';

/** The files of images/<image>/ by name, for the cache key. */
function readContextFiles(image: ImageDir): Record<string, string> {
  const dir = join(IMAGES_DIR, image);
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir).sort()) files[file] = readFileSync(join(dir, file), 'utf8');
  return files;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** The Debian mirrors this machine's apt uses (FANIN_DEBIAN_MIRROR / ..._SECURITY_MIRROR win). */
export function hostMirrors(env: NodeJS.ProcessEnv = process.env): DebianMirrors {
  const mirror = env.FANIN_DEBIAN_MIRROR?.trim();
  if (mirror) {
    return { mirror, security: env.FANIN_DEBIAN_SECURITY_MIRROR?.trim() || `${mirror}-security` };
  }
  const codename = osCodename(readText('/etc/os-release'));
  const sources = [
    ...parseOneLineSources(readText('/etc/apt/sources.list')),
    ...listDir('/etc/apt/sources.list.d').flatMap((file) =>
      file.endsWith('.sources')
        ? parseDeb822Sources(readText(join('/etc/apt/sources.list.d', file)))
        : file.endsWith('.list')
          ? parseOneLineSources(readText(join('/etc/apt/sources.list.d', file)))
          : [],
    ),
  ];
  const found = codename ? debianMirrors(sources, codename) : undefined;
  if (!found) {
    throw new Error(
      "cannot tell which Debian mirror this machine's apt uses; set FANIN_DEBIAN_MIRROR " +
        '(e.g. http://deb.debian.org/debian)',
    );
  }
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
