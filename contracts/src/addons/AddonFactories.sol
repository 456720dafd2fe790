// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropFactory} from "./airdrop/AirdropFactory.sol";
import {TokenSaleFactory} from "./sale/TokenSaleFactory.sol";
import {TreasuryDistributionFactory} from "./distribution/TreasuryDistributionFactory.sol";
import {XvPSettlementFactory} from "./xvp/XvPSettlementFactory.sol";
import {KeelVaultFactory} from "./vault/KeelVaultFactory.sol";

/// @title The addon factories and the names they have in the system's AddonRegistry.
/// @notice `deploy` creates one factory per addon (called from the deploy entry point, so
/// each `new` is its own broadcast transaction); the caller then registers them with
/// `AddonRegistry.setAddon(name, factory)` (ADDON_MANAGER_ROLE).
library AddonFactories {
    bytes32 internal constant AIRDROP = "airdrop";
    bytes32 internal constant DAIO = "daio";
    bytes32 internal constant TREASURY = "treasury";
    bytes32 internal constant XVP = "xvp";
    bytes32 internal constant VAULT = "vault";

    struct Set {
        address airdrop;
        address daio;
        address treasury;
        address xvp;
        address vault;
    }

    function deploy() internal returns (Set memory f) {
        f.airdrop = address(new AirdropFactory());
        f.daio = address(new TokenSaleFactory());
        f.treasury = address(new TreasuryDistributionFactory());
        f.xvp = address(new XvPSettlementFactory());
        f.vault = address(new KeelVaultFactory());
    }

    function names() internal pure returns (bytes32[5] memory) {
        return [AIRDROP, DAIO, TREASURY, XVP, VAULT];
    }

    function asArray(Set memory f) internal pure returns (address[5] memory) {
        return [f.airdrop, f.daio, f.treasury, f.xvp, f.vault];
    }
}
