// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "../token/TokenFixture.sol";
import {GlobalCompliance} from "../../src/compliance/GlobalCompliance.sol";
import {ActivityMarker} from "../../src/system/ActivityMarker.sol";
import {IGlobalCompliance} from "../../src/compliance/interfaces/IGlobalCompliance.sol";
import {IKeelCompliance} from "../../src/compliance/interfaces/IKeelCompliance.sol";
import {RecordingModule} from "../mocks/TestModules.sol";

/// @notice A compliance skips the global policy only while that policy has never had a
/// module (no activity marker), which is equivalent to calling it; once it has had one,
/// every check and hook reaches it, also after its modules are removed.
contract GlobalActivityTest is TokenFixture {
    RecordingModule internal g;

    function setUp() public virtual override {
        super.setUp();
        g = new RecordingModule(9);
        _unpause();
    }

    function test_markerInitCodeHashMatches() public pure {
        assertEq(keccak256(ActivityMarker.MARKER_INIT_CODE), ActivityMarker.MARKER_INIT_CODE_HASH);
    }

    function test_markerAddressIsTheCreate2AddressOfTheGlobal() public {
        assertFalse(globalCompliance.isActive());
        assertEq(ActivityMarker.marker(address(globalCompliance)).code.length, 0);
        globalCompliance.addModule(address(g));
        address expected = address(
            uint160(
                uint256(
                    keccak256(
                        abi.encodePacked(
                            bytes1(0xff), address(globalCompliance), bytes32(0), keccak256(hex"60016000f3")
                        )
                    )
                )
            )
        );
        assertEq(ActivityMarker.marker(address(globalCompliance)), expected);
        assertEq(expected.code.length, 1);
        assertTrue(globalCompliance.isActive());
    }

    function test_inactiveGlobalIsNotCalledOnTheTransferPath() public {
        vm.expectCall(address(globalCompliance), abi.encodeWithSelector(IGlobalCompliance.checkTransfer.selector), 0);
        vm.expectCall(address(globalCompliance), abi.encodeWithSelector(IGlobalCompliance.created.selector), 0);
        vm.expectCall(address(globalCompliance), abi.encodeWithSelector(IGlobalCompliance.transferred.selector), 0);
        vm.expectCall(address(globalCompliance), abi.encodeWithSelector(IGlobalCompliance.destroyed.selector), 0);
        _mint(alice, 10);
        vm.prank(alice);
        token.transfer(bob, 4);
        vm.prank(issuer);
        token.burn(bob, 1);
        assertEq(token.balanceOf(bob), 3);
    }

    function test_activeGlobalChecksAndHooksEveryMovement() public {
        globalCompliance.addModule(address(g));
        _mint(alice, 10);
        vm.prank(alice);
        token.transfer(bob, 4);
        vm.prank(custodian);
        token.forcedTransfer(bob, carol, 1);
        vm.prank(issuer);
        token.burn(bob, 1);
        assertEq(g.createdCalls(address(globalCompliance)), 1);
        assertEq(g.transferredCalls(address(globalCompliance)), 2);
        assertEq(g.destroyedCalls(address(globalCompliance)), 1);
        globalCompliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(g));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IKeelCompliance.ComplianceModuleRejected.selector,
                address(g),
                abi.encodeWithSelector(RecordingModule.Rejected.selector, 9)
            )
        );
        token.transfer(bob, 1);
    }

    function test_staysActiveAfterTheLastModuleIsRemoved() public {
        globalCompliance.addModule(address(g));
        globalCompliance.removeModule(address(g));
        assertTrue(globalCompliance.isActive());
        _mint(alice, 10);
        // re-adding works (the marker already exists) and is enforced at once
        globalCompliance.addModule(address(g));
        globalCompliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(g));
        vm.prank(alice);
        vm.expectRevert();
        token.transfer(bob, 1);
    }

    function test_globalAddedAfterTokensExistAppliesToThemAtOnce() public {
        _mint(alice, 10);
        vm.prank(alice);
        token.transfer(bob, 1);
        globalCompliance.addModule(address(g));
        globalCompliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(g));
        assertFalse(compliance.canTransfer(alice, bob, 1));
        vm.prank(alice);
        vm.expectRevert();
        token.transfer(bob, 1);
    }

    function test_syncActivityMarker_onlyWithModules() public {
        globalCompliance.syncActivityMarker();
        assertFalse(globalCompliance.isActive());
        globalCompliance.addModule(address(g));
        globalCompliance.syncActivityMarker(); // idempotent
        assertTrue(globalCompliance.isActive());
    }

    function test_anotherGlobalHasItsOwnMarker() public {
        globalCompliance.addModule(address(g));
        GlobalCompliance other = _deployGlobal();
        assertFalse(other.isActive());
        compliance.setGlobalCompliance(address(other));
        vm.expectCall(address(other), abi.encodeWithSelector(IGlobalCompliance.checkTransfer.selector), 0);
        _mint(alice, 1);
    }
}

contract GlobalActivityProxiedTest is GlobalActivityTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
