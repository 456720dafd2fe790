// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";

/// @notice Supply cap (0 = none) and feature flags.
contract KeelTokenCapTest is TokenFixture {
    event CapSet(uint256 cap);

    function test_noCapByDefault() public {
        assertEq(token.cap(), 0);
        _mint(alice, 1e30);
        assertEq(token.totalSupply(), 1e30);
    }

    function test_setCap_governanceOnly() public {
        vm.prank(alice);
        vm.expectRevert();
        token.setCap(10);
        vm.expectEmit(false, false, false, true, address(token));
        emit CapSet(10);
        vm.prank(governor);
        token.setCap(10);
        assertEq(token.cap(), 10);
    }

    function test_mintBeyondCapReverts_batchToo() public {
        vm.prank(governor);
        token.setCap(100);
        _mint(alice, 60);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, 101, 100));
        token.mint(bob, 41);
        address[] memory to = new address[](2);
        to[0] = alice;
        to[1] = bob;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 20;
        amounts[1] = 21;
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, 101, 100));
        token.batchMint(to, amounts);
        _mint(bob, 40);
        assertEq(token.totalSupply(), 100);
    }

    function test_capBelowSupplyRefused_zeroLifts() public {
        _mint(alice, 50);
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.InvalidCap.selector, 49, 50));
        token.setCap(49);
        vm.prank(governor);
        token.setCap(50);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, 51, 50));
        token.mint(alice, 1);
        // Burning frees room; a cap of 0 lifts it.
        vm.prank(issuer);
        token.burn(alice, 10);
        _mint(alice, 10);
        vm.prank(governor);
        token.setCap(0);
        _mint(alice, 1_000);
        assertEq(token.totalSupply(), 1_050);
    }

    /// @dev A forced transfer never changes the supply, so a cap never blocks it.
    function test_forcedTransferIgnoresCap() public {
        _mint(alice, 10);
        vm.prank(governor);
        token.setCap(10);
        vm.prank(custodian);
        token.forcedTransfer(alice, bob, 10);
        assertEq(token.balanceOf(bob), 10);
    }

    function testFuzz_supplyNeverExceedsCap(uint256 cap, uint256 a, uint256 b) public {
        cap = bound(cap, 1, 1e40);
        a = bound(a, 0, 1e40);
        b = bound(b, 0, 1e40);
        vm.prank(governor);
        token.setCap(cap);
        if (a <= cap) _mint(alice, a);
        else {
            vm.prank(issuer);
            vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, a, cap));
            token.mint(alice, a);
        }
        uint256 supply = token.totalSupply();
        if (supply + b <= cap) _mint(bob, b);
        else {
            vm.prank(issuer);
            vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, supply + b, cap));
            token.mint(bob, b);
        }
        assertLe(token.totalSupply(), cap);
    }

    function test_unsupportedFeatureRefusedAtInitialization() public {
        KeelToken t = new KeelToken(false);
        KeelToken.InitParams memory p = _params(address(_deployCompliance()));
        uint256 voting = t.FEATURE_VOTING();
        vm.expectRevert(abi.encodeWithSelector(KeelToken.UnsupportedFeatures.selector, voting));
        t.initializeWithFeatures(p, voting);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.UnsupportedFeatures.selector, 8));
        t.initializeWithFeatures(p, 8);
    }
}

contract KeelTokenCapProxiedTest is KeelTokenCapTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
