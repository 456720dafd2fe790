// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "../token/TokenFixture.sol";
import {IToken} from "../../src/interfaces/erc3643/IToken.sol";
import {IModularCompliance} from "../../src/interfaces/erc3643/IModularCompliance.sol";
import {IIdentityRegistry} from "../../src/interfaces/erc3643/IIdentityRegistry.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";

/// @notice ERC-3643 conformance: after deployment (the only Keel-specific step, in the
/// fixture) every interaction goes through the standard interfaces only, as a wallet,
/// explorer or agent tool that speaks ERC-3643 would.
contract ERC3643ConformanceTest is TokenFixture {
    IToken internal t;
    IModularCompliance internal mc;
    IIdentityRegistry internal ir;
    address internal agent = makeAddr("agent");

    function setUp() public virtual override {
        super.setUp();
        // ERC-3643's single "agent" maps onto Keel's operational roles.
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, agent);
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, agent);
        token.grantRole(KeelRoles.EMERGENCY_ROLE, agent);
        token.grantRole(KeelRoles.GOVERNANCE_ROLE, agent);
        t = IToken(address(token));
        mc = t.compliance();
        ir = t.identityRegistry();
    }

    function test_wiring() public view {
        assertEq(mc.getTokenBound(), address(t));
        assertEq(address(ir), address(registry));
        assertTrue(ir.isVerified(alice));
        assertFalse(ir.isVerified(mallory));
        assertEq(uint256(ir.investorCountry(bob)), DE);
    }

    function test_lifecycle_throughStandardInterfaces() public {
        vm.startPrank(agent);
        t.mint(alice, 1_000);
        t.unpause();
        vm.stopPrank();
        assertFalse(t.paused());
        assertTrue(mc.canTransfer(alice, bob, 100));

        vm.prank(alice);
        assertTrue(t.transfer(bob, 100));
        vm.prank(alice);
        assertTrue(t.approve(carol, 50));
        vm.prank(carol);
        assertTrue(t.transferFrom(alice, carol, 50));
        assertEq(t.balanceOf(alice), 850);
        assertEq(t.balanceOf(bob), 100);
        assertEq(t.balanceOf(carol), 50);

        vm.startPrank(agent);
        t.freezePartialTokens(alice, 800);
        assertEq(t.getFrozenTokens(alice), 800);
        t.setAddressFrozen(bob, true);
        assertTrue(t.isFrozen(bob));
        assertTrue(t.forcedTransfer(bob, carol, 100));
        t.burn(carol, 150);
        t.unfreezePartialTokens(alice, 800);
        t.pause();
        vm.stopPrank();
        assertEq(t.totalSupply(), 850);
        vm.prank(alice);
        vm.expectRevert();
        t.transfer(bob, 1);
    }

    function test_batchOperations_throughStandardInterfaces() public {
        address[] memory to = new address[](3);
        to[0] = alice;
        to[1] = bob;
        to[2] = carol;
        uint256[] memory amounts = new uint256[](3);
        amounts[0] = 10;
        amounts[1] = 20;
        amounts[2] = 30;
        bool[] memory flags = new bool[](3);
        flags[1] = true;
        vm.startPrank(agent);
        t.batchMint(to, amounts);
        t.batchFreezePartialTokens(to, amounts);
        t.batchUnfreezePartialTokens(to, amounts);
        t.batchSetAddressFrozen(to, flags);
        t.batchForcedTransfer(to, to, amounts);
        t.batchBurn(to, amounts);
        t.unpause();
        vm.stopPrank();
        assertEq(t.totalSupply(), 0);
        assertTrue(t.isFrozen(bob));
    }

    function test_metadata_throughStandardInterfaces() public {
        vm.startPrank(agent);
        t.setName("Renamed");
        t.setSymbol("RNM");
        t.setOnchainID(address(0xABCD));
        vm.stopPrank();
        assertEq(t.name(), "Renamed");
        assertEq(t.symbol(), "RNM");
        assertEq(t.onchainID(), address(0xABCD));
        assertEq(uint256(t.decimals()), 6);
        assertEq(bytes(t.version()).length > 0, true);
    }

    function test_recovery_throughStandardInterfaces() public {
        address aliceNew = makeAddr("alice-new");
        registry.registerIdentity(aliceNew, ir.identity(alice), US);
        address aliceId = address(ir.identity(alice));
        vm.startPrank(agent);
        t.mint(alice, 5);
        assertTrue(t.recoveryAddress(alice, aliceNew, aliceId));
        vm.stopPrank();
        assertEq(t.balanceOf(aliceNew), 5);
    }

    function test_transferToUnverifiedReverts() public {
        vm.startPrank(agent);
        t.mint(alice, 5);
        t.unpause();
        vm.stopPrank();
        vm.prank(alice);
        vm.expectRevert();
        t.transfer(mallory, 1);
        vm.prank(agent);
        vm.expectRevert();
        t.forcedTransfer(alice, mallory, 1);
    }

    function test_compliance_moduleListViaStandardInterface() public view {
        assertEq(mc.getModules().length, 0);
    }
}

contract ERC3643ConformanceProxiedTest is ERC3643ConformanceTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
