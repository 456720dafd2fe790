// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";

/// @title Address block list: a listed sender or recipient is refused.
contract AddressBlockListModule is ComplianceModuleBase {
    error AddressBlocked(address account);

    event AddressBlockSet(address indexed engine, address indexed account, bool blocked);

    mapping(bytes32 scope => mapping(address account => bool)) private _blocked;

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "AddressBlockList";
    }

    function setAddressBlocked(address account, bool blocked) public onlyEngine {
        _blocked[_scope(msg.sender)][account] = blocked;
        emit AddressBlockSet(msg.sender, account, blocked);
    }

    function batchSetAddressBlocked(address[] calldata accounts, bool blocked) external onlyEngine {
        for (uint256 i = 0; i < accounts.length; ++i) {
            setAddressBlocked(accounts[i], blocked);
        }
    }

    function isAddressBlocked(address engine, address account) external view returns (bool) {
        return _blocked[_scope(engine)][account];
    }

    function checkTransfer(address, address from, address to, uint256) external view {
        mapping(address => bool) storage blocked = _blocked[_scope(msg.sender)];
        if (blocked[from]) revert AddressBlocked(from);
        if (blocked[to]) revert AddressBlocked(to);
    }
}
