// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IModularCompliance} from "../../interfaces/erc3643/IModularCompliance.sol";

/// @title Keel's extension of the ERC-3643 modular compliance.
interface IKeelCompliance is IModularCompliance {
    /// @notice A module (token-specific or global) rejected a movement. `reason` is the
    /// module's ABI-encoded custom error.
    error ComplianceModuleRejected(address module, bytes reason);

    event ModulesReordered(address[] modules);

    /// @notice Like `canTransfer`, but reverts with `ComplianceModuleRejected` naming the
    /// first failing module (token modules in binding order, then the global policy).
    function checkTransfer(address from, address to, uint256 amount) external view;

    /// @notice Same as `checkTransfer` for `from`..., returning the rejecting module and
    /// its reason instead of reverting (for pre-checks and simulation). module == 0: allowed.
    function explainTransfer(address from, address to, uint256 amount)
        external
        view
        returns (address module, bytes memory reason);
}
