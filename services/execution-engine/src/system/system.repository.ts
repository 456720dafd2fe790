import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { SystemAddresses } from '../plans/system-layout';
import { DATA_SOURCE } from '../tokens';

export interface SystemDeployment {
  readonly organizationId: string;
  readonly chainId: number;
  readonly status: 'deploying' | 'deployed';
  readonly operationId: string;
  readonly addresses: SystemAddresses;
  readonly updatedAt: string;
}

interface Row {
  organization_id: string;
  chain_id: number;
  status: 'deploying' | 'deployed';
  operation_id: string;
  addresses: SystemAddresses;
  updated_at: Date;
}

const toDeployment = (r: Row): SystemDeployment => ({
  organizationId: r.organization_id,
  chainId: r.chain_id,
  status: r.status,
  operationId: r.operation_id,
  addresses: r.addresses,
  updatedAt: r.updated_at.toISOString(),
});

/** The system layer recorded per (organization, chain): the only code touching `system_deployments`. */
@Injectable()
export class SystemRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** Locks the row (when present) for the rest of the caller's transaction. */
  async lock(
    m: EntityManager,
    organizationId: string,
    chainId: number,
  ): Promise<SystemDeployment | null> {
    const rows: Row[] = await m.query(
      'SELECT * FROM system_deployments WHERE organization_id = $1 AND chain_id = $2 FOR UPDATE',
      [organizationId, chainId],
    );
    return rows[0] ? toDeployment(rows[0]) : null;
  }

  async find(
    m: EntityManager,
    organizationId: string,
    chainId: number,
  ): Promise<SystemDeployment | null> {
    const rows: Row[] = await m.query(
      'SELECT * FROM system_deployments WHERE organization_id = $1 AND chain_id = $2',
      [organizationId, chainId],
    );
    return rows[0] ? toDeployment(rows[0]) : null;
  }

  /** Whether the operation deploying the system is still under way (not terminal). */
  async isUnderWay(m: EntityManager, operationId: string): Promise<boolean> {
    const rows: { status: string }[] = await m.query(
      'SELECT status FROM operations WHERE id = $1',
      [operationId],
    );
    const status = rows[0]?.status;
    return (
      status !== undefined && !['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'].includes(status)
    );
  }

  markDeploying(
    m: EntityManager,
    organizationId: string,
    addresses: SystemAddresses,
    operationId: string,
  ): Promise<void> {
    return this.record(m, organizationId, addresses, operationId, 'deploying');
  }

  markDeployed(
    m: EntityManager,
    organizationId: string,
    addresses: SystemAddresses,
    operationId: string,
  ): Promise<void> {
    return this.record(m, organizationId, addresses, operationId, 'deployed');
  }

  private async record(
    m: EntityManager,
    organizationId: string,
    addresses: SystemAddresses,
    operationId: string,
    status: 'deploying' | 'deployed',
  ): Promise<void> {
    await m.query(
      `INSERT INTO system_deployments (organization_id, chain_id, status, operation_id, addresses)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (organization_id, chain_id) DO UPDATE SET status = EXCLUDED.status,
         operation_id = EXCLUDED.operation_id, addresses = EXCLUDED.addresses, updated_at = now()`,
      [organizationId, addresses.chainId, status, operationId, JSON.stringify(addresses)],
    );
  }

  /** Every system of the organization (one per chain). */
  async listDeployed(organizationId: string): Promise<SystemDeployment[]> {
    const rows: Row[] = await this.ds.query(
      `SELECT * FROM system_deployments WHERE organization_id = $1 AND status = 'deployed' ORDER BY chain_id`,
      [organizationId],
    );
    return rows.map(toDeployment);
  }
}
