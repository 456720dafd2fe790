// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentityRegistry} from "../../interfaces/erc3643/IIdentityRegistry.sol";
import {IIdentityRegistryStorage} from "../../interfaces/erc3643/IIdentityRegistryStorage.sol";

/// @title Keel's identity registry storage: ERC-3643 plus lost wallets.
interface IKeelIdentityRegistryStorage is IIdentityRegistryStorage {
    event WalletMarkedLost(address indexed wallet, address indexed identity);

    /// @notice A lost wallet keeps its identity link (recovery needs it) but never verifies,
    /// and it can never be registered again, even after its entry is removed.
    function markWalletLost(address wallet) external;
    function isWalletLost(address wallet) external view returns (bool);
}

/// @title Keel's identity registry: ERC-3643 plus lost-wallet recovery.
interface IKeelIdentityRegistry is IIdentityRegistry {
    event WalletRecovered(address indexed lostWallet, address indexed newWallet, address indexed identity);

    function markWalletLost(address wallet) external;
    /// @notice Registers `newWallet` to the identity and country of `lostWallet` and marks
    /// `lostWallet` lost; the token's `recoveryAddress` then moves the balance.
    function recoverIdentity(address lostWallet, address newWallet) external;
    function isWalletLost(address wallet) external view returns (bool);
}

/// @title A trusted issuers registry that falls back to a parent tier.
interface ITieredTrustedIssuersRegistry {
    function parentRegistry() external view returns (address);
}
