// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title A Keel compliance module.
/// @notice A module is one deployed contract shared by many compliance engines. Every
/// call comes from an engine (msg.sender): a token's ModularCompliance or the system's
/// GlobalCompliance. A module keeps its config and state per engine and per bind
/// epoch: `onBind`/`onUnbind` start a new epoch, so re-adding a module never sees
/// stale config or state. Per-token state is additionally keyed by the token.
///
/// `checkTransfer` reverts with the module's own custom error when the movement is
/// not allowed; the engine wraps it as `ComplianceModuleRejected(module, reason)`.
/// `from == address(0)` is a mint. Hooks run after balances changed, also for forced
/// transfers and recoveries, and must never revert because of a rule (a forced move
/// may legitimately break a rule); they only keep state consistent.
interface IComplianceModule {
    /// @dev Bit flags returned by `hooks()`; the engine skips hooks a module does not need.
    function hooks() external pure returns (uint8);

    /// @notice Human-readable module kind, e.g. "CountryAllowList".
    function name() external pure returns (string memory);

    function onBind() external;
    function onUnbind() external;

    function checkTransfer(address token, address from, address to, uint256 value) external view;

    function transferred(address token, address from, address to, uint256 value) external;
    function created(address token, address to, uint256 value) external;
    function destroyed(address token, address from, uint256 value) external;
}

library ModuleHooks {
    uint8 internal constant TRANSFERRED = 1;
    uint8 internal constant CREATED = 2;
    uint8 internal constant DESTROYED = 4;
    uint8 internal constant ALL = 7;
}
