// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelFundToken} from "../../src/token/KeelFundToken.sol";
import {RecordingModule} from "../mocks/TestModules.sol";

/// @notice The fund's management fee: accrual on supply per time, collection to the fee
/// recipient through the mint path (created hooks, cap), rate changes.
contract KeelFundTokenTest is TokenFixture {
    event ManagementFeeSet(uint16 feeBps, address indexed recipient);
    event ManagementFeeCollected(address indexed recipient, uint256 amount, uint64 periodStart, uint64 periodEnd);

    uint256 internal constant YEAR = 365 days;
    address internal feeRecipient = carol;

    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelFundToken(asImplementation);
    }

    function _fund() internal view returns (KeelFundToken) {
        return KeelFundToken(address(token));
    }

    function setUp() public override {
        vm.warp(1_000_000);
        super.setUp();
        vm.prank(governor);
        _fund().setManagementFee(150, feeRecipient);
    }

    function test_feeAccruesOnSupplyPerYear() public {
        _mint(alice, 1_000_000e6);
        (uint16 bps, address recipient, uint64 last) = _fund().managementFee();
        assertEq(uint256(bps), 150);
        assertEq(recipient, feeRecipient);
        assertEq(uint256(last), block.timestamp);
        vm.warp(block.timestamp + YEAR);
        assertEq(_fund().pendingManagementFee(), 15_000e6);
        vm.expectEmit(true, false, false, true, address(token));
        emit ManagementFeeCollected(feeRecipient, 15_000e6, uint64(block.timestamp - YEAR), uint64(block.timestamp));
        address anyone = makeAddr("anyone");
        vm.prank(anyone);
        assertEq(_fund().collectManagementFee(), 15_000e6);
        assertEq(token.balanceOf(feeRecipient), 15_000e6);
        assertEq(_fund().pendingManagementFee(), 0);
        assertEq(_fund().collectManagementFee(), 0, "nothing due twice");
    }

    function test_feeMintRunsCreatedHooks() public {
        RecordingModule m = new RecordingModule(1);
        compliance.addModule(address(m));
        _mint(alice, 1_000e6);
        vm.warp(block.timestamp + 30 days);
        uint256 before = m.createdCalls(address(compliance));
        // Even a rejecting module does not block the contractual fee (no checkTransfer),
        // but its created hook runs.
        _configure(address(m), abi.encodeCall(RecordingModule.setRejecting, (true)));
        _fund().collectManagementFee();
        assertEq(m.createdCalls(address(compliance)), before + 1);
        assertGt(token.balanceOf(feeRecipient), 0);
    }

    function test_feeRecipientMustBeVerified() public {
        vm.prank(governor);
        _fund().setManagementFee(150, mallory);
        _mint(alice, 1_000e6);
        vm.warp(block.timestamp + YEAR);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, mallory));
        _fund().collectManagementFee();
    }

    function test_feeRespectsCap() public {
        _mint(alice, 1_000e6);
        vm.prank(governor);
        token.setCap(1_000e6);
        vm.warp(block.timestamp + YEAR);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, 1_015e6, 1_000e6));
        _fund().collectManagementFee();
    }

    function test_rateChangeCollectsAtOldRateFirst() public {
        _mint(alice, 1_000_000e6);
        vm.warp(block.timestamp + YEAR / 2);
        vm.expectEmit(false, false, false, true, address(token));
        emit ManagementFeeSet(300, feeRecipient);
        vm.prank(governor);
        _fund().setManagementFee(300, feeRecipient);
        assertEq(token.balanceOf(feeRecipient), 7_500e6);
        vm.warp(block.timestamp + YEAR / 2);
        // 3% a year on the new supply for half a year.
        assertEq(_fund().pendingManagementFee(), (1_007_500e6 * 300 / 10_000) / 2);
    }

    function test_setManagementFee_validation() public {
        vm.prank(alice);
        vm.expectRevert();
        _fund().setManagementFee(100, alice);
        vm.startPrank(governor);
        vm.expectRevert(abi.encodeWithSelector(KeelFundToken.InvalidManagementFee.selector, 1_001, alice));
        _fund().setManagementFee(1_001, alice);
        vm.expectRevert(abi.encodeWithSelector(KeelFundToken.InvalidManagementFee.selector, 100, address(0)));
        _fund().setManagementFee(100, address(0));
        _fund().setManagementFee(0, alice);
        vm.stopPrank();
        _mint(alice, 1e12);
        vm.warp(block.timestamp + YEAR);
        assertEq(_fund().pendingManagementFee(), 0, "zero rate accrues nothing");
    }

    /// @dev Collecting every block on a tiny supply cannot erase the fee: the accrual clock
    /// only advances when something is minted.
    function test_roundingCannotEraseFee() public {
        _mint(alice, 100);
        uint256 start = block.timestamp;
        for (uint256 i = 1; i <= 10; ++i) {
            vm.warp(start + i * 12);
            assertEq(_fund().collectManagementFee(), 0);
        }
        vm.warp(start + YEAR);
        assertEq(_fund().collectManagementFee(), 1); // 100 x 1.5% = 1.5 -> 1
    }

    /// @dev Forced transfers and burns by the custodian do not disturb the accrual.
    function test_forcedTransferDoesNotAffectFee() public {
        _mint(alice, 1_000_000e6);
        vm.warp(block.timestamp + YEAR / 4);
        uint256 pending = _fund().pendingManagementFee();
        vm.prank(custodian);
        token.forcedTransfer(alice, bob, 500_000e6);
        assertEq(_fund().pendingManagementFee(), pending);
    }

    function testFuzz_pendingFee(uint256 supply, uint16 bps, uint32 elapsed) public {
        supply = bound(supply, 0, 1e40);
        bps = uint16(bound(bps, 0, 1_000));
        vm.prank(governor);
        _fund().setManagementFee(bps, feeRecipient);
        if (supply > 0) _mint(alice, supply);
        vm.warp(block.timestamp + elapsed);
        uint256 expected = supply * bps * elapsed / (10_000 * YEAR);
        assertEq(_fund().pendingManagementFee(), expected);
        uint256 before = token.totalSupply();
        _fund().collectManagementFee();
        assertEq(token.totalSupply(), before + expected);
        assertEq(token.balanceOf(feeRecipient), expected);
    }
}

contract KeelFundTokenProxiedTest is KeelFundTokenTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
