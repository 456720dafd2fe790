// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ERC-3643 (T-REX v4) modular compliance, bound to one token.
interface IModularCompliance {
    event ModuleInteraction(address indexed target, bytes4 selector);
    event TokenBound(address token);
    event TokenUnbound(address token);
    event ModuleAdded(address indexed module);
    event ModuleRemoved(address indexed module);

    function bindToken(address token) external;
    function unbindToken(address token) external;
    function addModule(address module) external;
    function removeModule(address module) external;
    function callModuleFunction(bytes calldata callData, address module) external;

    /// @notice Post-transfer hook; only the bound token may call it.
    function transferred(address from, address to, uint256 amount) external;
    /// @notice Post-mint hook; only the bound token may call it.
    function created(address to, uint256 amount) external;
    /// @notice Post-burn hook; only the bound token may call it.
    function destroyed(address from, uint256 amount) external;

    function canTransfer(address from, address to, uint256 amount) external view returns (bool);
    function getModules() external view returns (address[] memory);
    function getTokenBound() external view returns (address);
    function isModuleBound(address module) external view returns (bool);
}
