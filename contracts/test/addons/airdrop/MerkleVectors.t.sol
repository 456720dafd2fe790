// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {AirdropBase} from "../../../src/addons/airdrop/AirdropBase.sol";
import {TimeBoundAirdrop} from "../../../src/addons/airdrop/TimeBoundAirdrop.sol";

/// @notice Root and proofs produced by the TypeScript builder (libs/airdrop-merkle, whose
/// spec pins the same vectors), claimed on-chain: the builder's leaves are the
/// contract's leaves.
contract MerkleVectorsTest is AddonFixture {
    bytes32 internal constant ROOT = 0x3d553f5b2a43d8e3e67e43ad3738a472fad5cf54c5c27621fdc603f5b51549f2;

    function _vector(uint256 i) internal pure returns (address account, uint256 amount, bytes32[] memory proof) {
        if (i == 0) {
            proof = new bytes32[](2);
            proof[0] = 0x730c9bf32626e21e4d6de5f82aabfc852db529425046a43caeadde412a407fa2;
            proof[1] = 0xc9d1b6aeef81c0b6d4c2601790057a72c37fd63b82a4e766427124bb59724b47;
            return (0x1111111111111111111111111111111111111111, 100_000_000, proof);
        }
        if (i == 1) {
            proof = new bytes32[](2);
            proof[0] = 0x945697fd43f443aa9db4b484a9aba880821676de61ec812bd29b2d05c8041ee9;
            proof[1] = 0xc9d1b6aeef81c0b6d4c2601790057a72c37fd63b82a4e766427124bb59724b47;
            return (0x2222222222222222222222222222222222222222, 250_000_000, proof);
        }
        if (i == 2) {
            proof = new bytes32[](3);
            proof[0] = 0x61209d032cd43268d71b5409e6a7600dacf4f5813034ac84536b74e00156b45c;
            proof[1] = 0xc617b137ec0550c5ca44a5a50803b9bb5d0b2f23a50094c19a730ae23bfad073;
            proof[2] = 0xf6f3ae6c93131019fcf27d4439173e4dd536718bb2859c51ce31cdaf02978ce9;
            return (0x3333333333333333333333333333333333333333, 75_000_000, proof);
        }
        if (i == 3) {
            proof = new bytes32[](2);
            proof[0] = 0xa4c41d75b82e3a382f0e430414bf3f3ec51c37f3a12fe74113b2c2ad07af8196;
            proof[1] = 0xf6f3ae6c93131019fcf27d4439173e4dd536718bb2859c51ce31cdaf02978ce9;
            return (0x4444444444444444444444444444444444444444, 1_000_000, proof);
        }
        proof = new bytes32[](3);
        proof[0] = 0x53431cced994bd503f402213973f7ccfede3944482a66989d03f5cf9d741018a;
        proof[1] = 0xc617b137ec0550c5ca44a5a50803b9bb5d0b2f23a50094c19a730ae23bfad073;
        proof[2] = 0xf6f3ae6c93131019fcf27d4439173e4dd536718bb2859c51ce31cdaf02978ce9;
        return (0x5555555555555555555555555555555555555555, 40_000_000, proof);
    }

    function test_typescriptVectorsClaimOnChain() public {
        TimeBoundAirdrop drop =
            new TimeBoundAirdrop(address(token), ROOT, AirdropBase.Tracker.Bitmap, block.timestamp, block.timestamp + 1 days, admin);
        registry.register(address(drop), US);
        token.mint(address(drop), 466_000_000);
        for (uint256 i; i < 5; ++i) {
            (address account, uint256 amount, bytes32[] memory proof) = _vector(i);
            assertTrue(drop.verify(i, account, amount, proof));
            assertFalse(drop.verify(i, account, amount + 1, proof));
            registry.register(account, US);
            vm.prank(account);
            drop.claim(i, amount, amount, proof);
            assertEq(token.balanceOf(account), amount);
        }
        assertEq(token.balanceOf(address(drop)), 0);
    }
}
