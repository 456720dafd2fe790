// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelVault} from "./KeelVault.sol";

/// @title Deploys M-of-N vaults.
contract KeelVaultFactory {
    event VaultCreated(address indexed vault, address indexed creator, uint256 threshold, uint256 signers);

    mapping(address vault => bool) public isVault;

    function create(address[] calldata signers, uint256 threshold, address onchainID) external returns (KeelVault vault) {
        vault = new KeelVault(signers, threshold, onchainID);
        isVault[address(vault)] = true;
        emit VaultCreated(address(vault), msg.sender, threshold, signers.length);
    }
}
