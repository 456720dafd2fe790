// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";

contract KeelTokenPermitTest is TokenFixture {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    function test_permitGrantsAllowance_transferFromStillChecked() public {
        uint256 ownerKey = 0xA11CE;
        address owner = vm.addr(ownerKey);
        registry.register(owner, US);
        _mint(owner, 100);
        _unpause();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, bob, 40, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);
        token.permit(owner, bob, 40, deadline, v, r, s);
        assertEq(token.allowance(owner, bob), 40);
        assertEq(token.nonces(owner), 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, mallory));
        token.transferFrom(owner, mallory, 40);
        vm.prank(bob);
        token.transferFrom(owner, carol, 40);
        assertEq(token.balanceOf(carol), 40);
        // replay fails
        vm.expectRevert();
        token.permit(owner, bob, 40, deadline, v, r, s);
    }
}
