import { CreateChainTracking1795400000200 } from './1795400000200-create-chain-tracking';

export const chainGatewayMigrations = [CreateChainTracking1795400000200];
