// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {MerkleTestTree} from "../mocks/MerkleTestTree.sol";
import {AirdropFactory} from "../../../src/addons/airdrop/AirdropFactory.sol";

/// @notice A Merkle list of (index, account, amount) over alice, bob, carol, dave and
/// mallory (never verified), and helpers to build proofs.
abstract contract AirdropFixture is AddonFixture {
    AirdropFactory internal factory;
    address[] internal accounts;
    uint256[] internal amounts;
    bytes32[] internal leaves;
    bytes32 internal root;
    uint256 internal total;

    function setUp() public virtual override {
        super.setUp();
        factory = new AirdropFactory();
        accounts = [alice, bob, carol, dave, mallory];
        amounts = [uint256(100e6), 250e6, 75e6, 1e6, 40e6];
        for (uint256 i; i < accounts.length; ++i) {
            leaves.push(_leaf(i, accounts[i], amounts[i]));
            total += amounts[i];
        }
        root = MerkleTestTree.root(leaves);
    }

    function _leaf(uint256 index, address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
    }

    function _proof(uint256 index) internal view returns (bytes32[] memory) {
        return MerkleTestTree.proof(leaves, index);
    }

    function _fund(address airdrop) internal {
        registry.register(airdrop, US);
        token.mint(airdrop, total);
    }
}
