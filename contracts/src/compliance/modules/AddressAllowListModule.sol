// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";

/// @title Address allow list: the sender (unless minting) and the recipient must both be listed.
contract AddressAllowListModule is ComplianceModuleBase {
    error AddressNotAllowed(address account);

    event AddressAllowed(address indexed engine, address indexed account, bool allowed);

    mapping(bytes32 scope => mapping(address account => bool)) private _allowed;

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "AddressAllowList";
    }

    function setAddressAllowed(address account, bool allowed) public onlyEngine {
        _allowed[_scope(msg.sender)][account] = allowed;
        emit AddressAllowed(msg.sender, account, allowed);
    }

    function batchSetAddressAllowed(address[] calldata accounts, bool allowed) external onlyEngine {
        for (uint256 i = 0; i < accounts.length; ++i) {
            setAddressAllowed(accounts[i], allowed);
        }
    }

    function isAddressAllowed(address engine, address account) external view returns (bool) {
        return _allowed[_scope(engine)][account];
    }

    function checkTransfer(address, address from, address to, uint256) external view {
        mapping(address => bool) storage allowed = _allowed[_scope(msg.sender)];
        if (from != address(0) && !allowed[from]) revert AddressNotAllowed(from);
        if (!allowed[to]) revert AddressNotAllowed(to);
    }
}
