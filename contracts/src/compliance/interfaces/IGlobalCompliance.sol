// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The system-wide compliance policy applied to every token after its own modules.
interface IGlobalCompliance {
    function checkTransfer(address token, address from, address to, uint256 amount) external view;
    function explainTransfer(address token, address from, address to, uint256 amount)
        external
        view
        returns (address module, bytes memory reason);

    /// @dev Hooks; only the compliance currently bound to `token` may call them.
    function transferred(address token, address from, address to, uint256 amount) external;
    function created(address token, address to, uint256 amount) external;
    function destroyed(address token, address from, uint256 amount) external;

    function getModules() external view returns (address[] memory);
}
