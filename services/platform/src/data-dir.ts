import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The secrets embedded mode creates on first start and reuses on every later start. */
export interface PlatformSecrets {
  /** Admin API key of the default organization (`keel_<id>_<secret>`). */
  readonly operatorApiKey: string;
  /** key-guardian's keystore master key (hex, 32 bytes): wallets stay usable across restarts. */
  readonly keystoreMasterKey: string;
  /** request controls' sealing key (base64, 32 bytes). */
  readonly requestControlsEncryptionKey: string;
  /** Shared secret of the services' internal HTTP APIs (KEEL_INTERNAL_TOKEN). */
  readonly internalToken: string;
}

/** What a running platform publishes for `npm run demo` and other local tools. */
export interface PlatformEndpoints {
  readonly gatewayUrl: string;
  readonly openApiUrl: string;
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly organizationId: string;
  readonly operatorWallet: string;
  /** Local tooling only (the demo creates investor wallets there). */
  readonly keyGuardianUrl: string;
  readonly pid: number;
  readonly anvilPid: number;
}

/** Files of the data directory (`.keel/` by default). */
export class DataDir {
  constructor(readonly root: string) {}

  get secretsFile(): string {
    return join(this.root, 'secrets.json');
  }
  /** Held by the running instance (pid, gateway URL): one instance per data directory. */
  get lockFile(): string {
    return join(this.root, 'keel.lock');
  }
  get endpointsFile(): string {
    return join(this.root, 'platform.json');
  }
  get stateFile(): string {
    return join(this.root, 'state.json');
  }
  get anvilState(): string {
    return join(this.root, 'anvil-state.json');
  }
  get logFile(): string {
    return join(this.root, 'logs', 'keel.log');
  }
  pgDir(name: string): string {
    return join(this.root, 'pg', name);
  }

  ensure(): void {
    mkdirSync(join(this.root, 'logs'), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.root, 'pg'), { recursive: true, mode: 0o700 });
  }

  /** Reads the secrets, creating them (mode 0600) on first start. */
  secrets(): { secrets: PlatformSecrets; created: boolean } {
    if (existsSync(this.secretsFile)) {
      chmodSync(this.secretsFile, 0o600);
      const stored = JSON.parse(readFileSync(this.secretsFile, 'utf8')) as Partial<PlatformSecrets>;
      // A data directory from an older build gains the secrets added since.
      const secrets = { ...newSecrets(), ...stored };
      if (Object.keys(stored).length !== Object.keys(secrets).length) this.writeSecrets(secrets);
      return { secrets, created: false };
    }
    const secrets = newSecrets();
    this.writeSecrets(secrets);
    return { secrets, created: true };
  }

  private writeSecrets(secrets: PlatformSecrets): void {
    writeFileSync(this.secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }

  /** Small facts kept between starts (e.g. the operator's signer wallet). */
  state(): Record<string, string> {
    return existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as Record<string, string>)
      : {};
  }

  saveState(state: Record<string, string>): void {
    writeFileSync(this.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }

  publish(endpoints: PlatformEndpoints): void {
    writeFileSync(this.endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  }
}

function newSecrets(): PlatformSecrets {
  return {
    operatorApiKey: `keel_op${randomBytes(5).toString('hex')}_${randomBytes(32).toString('base64url')}`,
    keystoreMasterKey: randomBytes(32).toString('hex'),
    requestControlsEncryptionKey: randomBytes(32).toString('base64'),
    internalToken: randomBytes(32).toString('base64url'),
  };
}
